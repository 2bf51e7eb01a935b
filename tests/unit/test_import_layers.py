"""The import layers hold: every import goes down or sideways, never up, and none goes round.

Why: the package is what merchants install, so it must never reach for the repository's
tools or tests; the pure parts (verdicts, the report, the renderers) must stay importable
without HTTP; the guide and the fake store must not depend on the checker. Imports are read
with `ast` from the source, including imports inside functions, so a lazy import cannot hide
an edge. The last tests run the same checks on a small package made here, so each rule is
known to be able to fail.

A known breach that another change will remove is listed in KNOWN_BREACHES with its reason.
Delete the entry when the breach goes: a stale entry fails `test_every_known_breach_still_exists`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.docs import REPO_ROOT

# --- the layers, lowest first -------------------------------------------------------------
# A module may import modules of its own layer or of a lower one (never in a cycle).
VOCABULARY = "vocabulary"
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # One home for each fact; imports nothing above it.
    (VOCABULARY, ("bc_scopes.errors", "bc_scopes.exitcodes", "bc_scopes.levels",
                  "bc_scopes.files", "bc_scopes.troubleshooting", "bc_scopes.probe_safety",
                  "bc_scopes.model")),
    # The checker, bottom up: what the user gave; the plain results (no HTTP); the report
    # formats; one store's wire (with the pool and the run guard every request passes);
    # a whole run.
    ("checker: inputs", ("bc_scopes.checker.secrets", "bc_scopes.checker.storehash",
                         "bc_scopes.checker.options", "bc_scopes.checker.redact",
                         "bc_scopes.checker.inputs", "bc_scopes.checker.credentials_file",
                         "bc_scopes.checker.stores_file", "bc_scopes.checker.outputs")),
    ("checker: results", ("bc_scopes.checker.evidence", "bc_scopes.checker.verdicts",
                          "bc_scopes.checker.open_questions", "bc_scopes.checker.report",
                          "bc_scopes.checker.batch_results")),
    ("checker: formats", ("bc_scopes.checker.formats", "bc_scopes.checker.formats.wording",
                          "bc_scopes.checker.formats.text", "bc_scopes.checker.formats.json",
                          "bc_scopes.checker.formats.markdown",
                          "bc_scopes.checker.formats.junit")),
    ("checker: wire", ("bc_scopes.checker.workers", "bc_scopes.checker.hooks",
                       "bc_scopes.checker.rate_gate", "bc_scopes.checker.graphql_probe",
                       "bc_scopes.checker.client", "bc_scopes.checker.probes")),
    ("checker: run", ("bc_scopes.checker.check", "bc_scopes.checker.batch",
                      "bc_scopes.checker.batch_outputs")),
    # Thin fronts: gather inputs, call check(), render.
    ("fronts", ("bc_scopes.checker.cli", "bc_scopes.checker.plugin", "bc_scopes.checker.demo",
                "bc_scopes.checker.progress", "bc_scopes.checker.countdown")),
    # `from bc_scopes import check, ...`: the lazily loaded public names, above everything.
    ("public API", ("bc_scopes",)),
)
# Side branches: they sit on the vocabulary, and may import only themselves and what is listed.
BRANCHES: dict[str, tuple[str, tuple[str, ...]]] = {
    # The guide's renderers: pure, and never the checker (the docs build must not load HTTP).
    "guide": ("bc_scopes.guide", (VOCABULARY,)),
    # The fake BigCommerce is written from BigCommerce's reference, never from scopes.yaml or
    # the checker, so a probe aimed at the wrong route fails instead of agreeing with itself.
    "fakestore": ("bc_scopes.fakestore", ()),
}
# The fake store is a front's dependency (the demo), not the other way round.
FRONTS_MAY_ALSO_IMPORT = {"fakestore"}
# BigCommerce's published route facts (fakestore/routes.py reading routes.json, shipped in
# the wheel) are a source of truth of their own: the model's probe-safety check proves each
# write probe fails against them. Only these modules may read them from outside the branch.
ROUTE_FACTS = "bc_scopes.fakestore.routes"
ROUTE_FACT_READERS = {"bc_scopes.probe_safety"}
OUTSIDE_THE_PACKAGE = ("tools", "tests", "scripts", "support", "macros")

KNOWN_BREACHES: dict[tuple[str, str], str] = {}


# --- reading the imports ----------------------------------------------------------------
@dataclass(frozen=True)
class Edge:
    source: str  # the importing module
    target: str  # the imported module (or a top-level name outside the package)
    line: int


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every module of `package` under `root`."""
    names = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _absolute(module: str | None, level: int, importer: str, is_package: bool) -> str:
    if not level:
        return module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def edges_of(name: str, path: Path, known: Mapping[str, Path],
             package_constants: Iterable[str] = ("__version__",)) -> list[Edge]:
    """Every import in the file, at any depth (functions and TYPE_CHECKING blocks included).

    `from pkg import sub` is an edge to the module `pkg.sub` when that module exists; a
    package's own constants (`__version__`) are no edge: they are defined before anything.
    """
    edges = []
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            edges += [Edge(name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node.module, node.level, name, is_package)
            for alias in node.names:
                if f"{target}.{alias.name}" in known:
                    edges.append(Edge(name, f"{target}.{alias.name}", node.lineno))
                elif alias.name not in package_constants:
                    edges.append(Edge(name, target, node.lineno))
    return [edge for edge in edges if edge.target != name]


def owner(target: str, known: Mapping[str, Path]) -> str | None:
    """The known module an imported name belongs to (`a.b.C` -> `a.b`), or None."""
    parts = target.split(".")
    while parts:
        if ".".join(parts) in known:
            return ".".join(parts)
        parts.pop()
    return None


# --- the rules --------------------------------------------------------------------------
def layer_of(module: str) -> tuple[int, str]:
    """(rank, name) of the module's layer; branches rank just above the vocabulary."""
    for branch, (prefix, _) in BRANCHES.items():
        if module == prefix or module.startswith(prefix + "."):
            return (1, branch)
    for rank, (layer, members) in enumerate(LAYERS):
        if module in members:
            return (rank if rank == 0 else rank + 1, layer)
    if module == "bc_scopes.checker":
        return (1, "checker: inputs")  # the subpackage's empty __init__
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")


def breaches(edges: Iterable[Edge], known: Mapping[str, Path]) -> list[str]:
    """Each import that leaves the package, goes up a layer or crosses into a branch."""
    found = []
    for edge in edges:
        top = edge.target.split(".")[0]
        if top in OUTSIDE_THE_PACKAGE:
            found.append(f"{edge.source}:{edge.line} imports {edge.target} (outside the package)")
            continue
        target = owner(edge.target, known)
        if target is None or target == edge.source:
            continue  # the standard library or a third-party package
        (source_rank, source_layer), (target_rank, target_layer) = (
            layer_of(edge.source), layer_of(target))
        if target == ROUTE_FACTS and edge.source in ROUTE_FACT_READERS:
            allowed = True
        elif target_layer in BRANCHES and target_layer != source_layer:
            allowed = source_layer == "fronts" and target_layer in FRONTS_MAY_ALSO_IMPORT
        elif source_layer in BRANCHES and target_layer != source_layer:
            allowed = target_layer in BRANCHES[source_layer][1]
        else:
            allowed = target_rank <= source_rank
        if not allowed:
            found.append(f"{edge.source}:{edge.line} imports {target} "
                         f"({source_layer} -> {target_layer})")
    return found


def cycles(edges: Iterable[Edge], known: Mapping[str, Path]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's SCCs)."""
    graph: dict[str, set[str]] = {name: set() for name in known}
    for edge in edges:
        target = owner(edge.target, known)
        if target is not None and target != edge.source:
            graph[edge.source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _package_edges() -> tuple[dict[str, Path], list[Edge]]:
    known = module_names(REPO_ROOT, "bc_scopes")
    edges = [edge for name, path in known.items() for edge in edges_of(name, path, known)]
    return known, edges


def _known_breach(line: str) -> bool:
    source, rest = line.split(":", 1)
    target = rest.split(" imports ", 1)[1].split(" ", 1)[0]
    return (source, target) in KNOWN_BREACHES


# --- the repository ---------------------------------------------------------------------
def test_the_package_has_the_modules_the_layers_expect() -> None:
    known, edges = _package_edges()
    assert len(known) > 30 and len(edges) > 100, "the package's imports were not read"
    for name in known:
        layer_of(name)  # every module has a layer


def test_no_package_module_imports_from_a_layer_above_its_own_or_outside_the_package() -> None:
    known, edges = _package_edges()
    found = [line for line in breaches(edges, known) if not _known_breach(line)]
    assert found == []


def test_every_known_breach_still_exists() -> None:
    """An entry whose breach is gone must be deleted, so the list only ever shrinks."""
    known, edges = _package_edges()
    present = {(edge.source, owner(edge.target, known)) for edge in edges}
    assert set(KNOWN_BREACHES) - present == set()


def test_no_two_package_modules_import_each_other() -> None:
    known, edges = _package_edges()
    assert cycles(edges, known) == []


def test_tools_import_the_package_and_themselves_but_never_tests_or_scripts() -> None:
    known = module_names(REPO_ROOT, "tools")
    assert len(known) > 10
    found = [f"{edge.source}:{edge.line} imports {edge.target}"
             for name, path in known.items() for edge in edges_of(name, path, known)
             if edge.target.split(".")[0] in ("tests", "scripts", "support")]
    assert found == []
    package = module_names(REPO_ROOT, "bc_scopes")
    tool_edges = [edge for name, path in known.items() for edge in edges_of(name, path, known)]
    assert any(owner(edge.target, package) for edge in tool_edges), "tools use bc_scopes"
    assert cycles(tool_edges, known) == []


def test_the_guide_build_glue_imports_no_checker_module() -> None:
    known = {"macros": REPO_ROOT / "macros" / "__init__.py"}
    package = module_names(REPO_ROOT, "bc_scopes")
    targets = {owner(edge.target, package) for edge in edges_of("macros", known["macros"], known)}
    targets.discard(None)
    assert targets and not any(str(t).startswith("bc_scopes.checker") for t in targets)


# --- the rules can fail -----------------------------------------------------------------
SMALL_PACKAGE = {
    "bc_scopes/__init__.py": "__version__ = '1'\n",
    "bc_scopes/exitcodes.py": "",
    "bc_scopes/model.py": "def later():\n    from bc_scopes.checker import check\n",
    "bc_scopes/checker/__init__.py": "",
    "bc_scopes/checker/verdicts.py": "from bc_scopes import exitcodes, __version__\n",
    "bc_scopes/checker/check.py": "from . import verdicts\nimport tools.snapshot\n",
    "bc_scopes/checker/options.py": "from .inputs import X\n",
    "bc_scopes/checker/inputs.py": "from bc_scopes.checker.options import Y\n",
    "bc_scopes/guide/__init__.py": "",
    "bc_scopes/guide/render.py": "from bc_scopes.checker.verdicts import Z\n",
    "bc_scopes/fakestore/__init__.py": "",
    "bc_scopes/fakestore/server.py": "from bc_scopes.model import load_scope_table\n",
}


@pytest.fixture
def small_package(tmp_path: Path) -> tuple[dict[str, Path], list[Edge]]:
    for name, text in SMALL_PACKAGE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    known = module_names(tmp_path, "bc_scopes")
    return known, [edge for name, path in known.items() for edge in edges_of(name, path, known)]


def test_the_rules_catch_upward_lazy_outside_and_cross_branch_imports(
    small_package: tuple[dict[str, Path], list[Edge]]
) -> None:
    known, edges = small_package
    assert sorted(breaches(edges, known)) == [
        "bc_scopes.checker.check:2 imports tools.snapshot (outside the package)",
        "bc_scopes.fakestore.server:1 imports bc_scopes.model (fakestore -> vocabulary)",
        "bc_scopes.guide.render:1 imports bc_scopes.checker.verdicts "
        "(guide -> checker: results)",
        "bc_scopes.model:2 imports bc_scopes.checker.check (vocabulary -> checker: run)",
    ]


def test_the_rules_catch_two_modules_that_import_each_other(
    small_package: tuple[dict[str, Path], list[Edge]]
) -> None:
    known, edges = small_package
    assert cycles(edges, known) == [["bc_scopes.checker.inputs", "bc_scopes.checker.options"]]
