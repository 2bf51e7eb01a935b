"""Docs build time, and what the macros and the model cost on top of static Markdown.

Why: the scope table lives only in scopes.yaml and reaches the pages through
mkdocs-macros and bc_scopes. That indirection must stay cheap (goal: 15 % or less
of the build). The honest comparison is the same site with every macro's output
pasted in as plain Markdown, so this script:

1. copies the docs inputs twice into a temporary folder;
2. in one copy, runs a real build with a tiny hook placed after the macros plugin
   that saves each page's rendered Markdown, then writes that Markdown back as the
   page source (front matter kept verbatim) and removes the macros plugin;
3. checks that both copies build to identical HTML (otherwise the comparison is void);
4. times `mkdocs build --strict` of both copies, alternating, in one process.

Usage: .venv/bin/python scripts/bench_docs.py [--runs 5] [--json-out FILE]
"""

from __future__ import annotations

import filecmp
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_common import (
    REPO_ROOT,
    BenchResult,
    BuildFailed,
    BuildTiming,
    argument_parser,
    command_line,
    copy_docs_project,
    mkdocs_environment,
    seconds,
    timed_strict_build,
)

GOAL_PERCENT = 15.0
HOOK_FILE = "_bench_dump_rendered.py"
HOOK_SOURCE = '''"""Benchmark hook: save each page's Markdown as the macros plugin left it."""
import os
from pathlib import Path


def on_page_markdown(markdown, page, config, files):
    target = Path(os.environ["BENCH_DUMP_DIR"]) / page.file.src_uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(markdown, encoding="utf-8")
    return markdown
'''
FRONT_MATTER = re.compile(r"\A(---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n)", re.DOTALL)


def without_plugin(config_text: str, plugin: str) -> str:
    """mkdocs.yml text with one `- plugin` list item (and its indented options) removed.

    Text editing, not a YAML round trip, so tags such as !!python/name survive.
    """
    lines = config_text.splitlines(keepends=True)
    item = re.compile(rf"^(\s*)- {re.escape(plugin)}\s*(:.*)?$")
    kept: list[str] = []
    skip_deeper_than: int | None = None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None:
            if not line.strip() or line.lstrip().startswith("#") or indent > skip_deeper_than:
                continue
            skip_deeper_than = None
        match = item.match(line.rstrip("\n"))
        if match:
            skip_deeper_than = len(match.group(1))
            continue
        kept.append(line)
    result = "".join(kept)
    if result == config_text:
        raise SystemExit(f"bench_docs: no '- {plugin}' plugin entry found in mkdocs.yml")
    return result


def with_macros_not_rendering(config_text: str) -> str:
    """mkdocs.yml text whose macros plugin loads (define_env runs) but renders no page."""
    match = re.search(r"^(\s*)- macros\s*(:)?[ \t]*$", config_text, re.MULTILINE)
    if not match:
        raise SystemExit("bench_docs: no '- macros' plugin entry found in mkdocs.yml")
    option = f"{match.group(1)}    render_by_default: false"
    return (config_text[: match.start()] + f"{match.group(1)}- macros:\n{option}"
            + config_text[match.end():])


def with_hook(config_text: str, hook_file: str) -> str:
    if re.search(r"^hooks:", config_text, re.MULTILINE):
        raise SystemExit("bench_docs: mkdocs.yml already has hooks:, extend this script for it")
    return config_text.rstrip("\n") + f"\n\nhooks:\n  - {hook_file}\n"


def make_static_copy(project: Path, scratch: Path, keep_plugin_loaded: bool = False) -> int:
    """Turn `project` into the macro-free twin of itself; return the number of pages.

    With `keep_plugin_loaded`, the macros plugin stays (it still imports and runs
    define_env, so the model loads) but renders no page: this isolates the fixed cost.
    """
    config = project / "mkdocs.yml"
    original_config = config.read_text(encoding="utf-8")
    (project / HOOK_FILE).write_text(HOOK_SOURCE, encoding="utf-8")
    config.write_text(with_hook(original_config, HOOK_FILE), encoding="utf-8")
    dump = scratch / "rendered-markdown"
    timed_strict_build(project, scratch / "dump-site", {"BENCH_DUMP_DIR": str(dump)})

    pages = sorted(path for path in dump.rglob("*.md"))
    for rendered in pages:
        source = project / "docs" / rendered.relative_to(dump)
        front_matter = FRONT_MATTER.match(source.read_text(encoding="utf-8"))
        prefix = front_matter.group(1) + "\n" if front_matter else ""
        source.write_text(prefix + rendered.read_text(encoding="utf-8"), encoding="utf-8")
    (project / HOOK_FILE).unlink()
    if keep_plugin_loaded:
        config.write_text(with_macros_not_rendering(original_config), encoding="utf-8")
    else:
        config.write_text(without_plugin(original_config, "macros"), encoding="utf-8")
    return len(pages)


def differing_pages(site_a: Path, site_b: Path) -> list[str]:
    """HTML pages whose bytes differ between the two builds (or that one build lacks)."""
    names = {p.relative_to(site_a) for p in site_a.rglob("*.html")}
    names |= {p.relative_to(site_b) for p in site_b.rglob("*.html")}
    return sorted(
        str(name) for name in names
        if not ((site_a / name).is_file() and (site_b / name).is_file()
                and filecmp.cmp(site_a / name, site_b / name, shallow=False))
    )


BREAKDOWN_SNIPPET = """
import json, time
t0 = time.perf_counter()
import mkdocs.commands.build, material
t1 = time.perf_counter()
import mkdocs_macros.plugin
t2 = time.perf_counter()
import jsonschema
t3 = time.perf_counter()
from bc_scopes.model import load_scope_table
t4 = time.perf_counter()
load_scope_table()
t5 = time.perf_counter()
print(json.dumps({"mkdocs + material import": t1 - t0, "mkdocs_macros import": t2 - t1,
                  "jsonschema import": t3 - t2, "bc_scopes.model import": t4 - t3,
                  "load + validate scopes.yaml": t5 - t4}))
"""


def fixed_cost_breakdown(runs: int) -> dict[str, float]:
    """Median seconds of each fixed step the macros add, each in a fresh interpreter."""
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", BREAKDOWN_SNIPPET], cwd=REPO_ROOT, env=mkdocs_environment(),
            capture_output=True, text=True, check=True,
        ).stdout
        for step, value in json.loads(output).items():
            samples.setdefault(step, []).append(value)
    return {step: statistics.median(values) for step, values in samples.items()}


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed builds of each variant")
    args = parser.parse_args()
    result = BenchResult("docs", command_line())

    with tempfile.TemporaryDirectory(prefix="bench-docs-") as scratch_name:
        scratch = Path(scratch_name)
        with_macros = copy_docs_project(scratch / "with-macros")
        static = copy_docs_project(scratch / "static")
        plugin_only = copy_docs_project(scratch / "static-plugin-loaded")
        try:
            page_count = make_static_copy(static, scratch / "dump-static")
            make_static_copy(plugin_only, scratch / "dump-plugin", keep_plugin_loaded=True)
            # First builds: warm caches, and prove the variants produce the same site.
            timed_strict_build(with_macros, scratch / "site-macros")
            timed_strict_build(static, scratch / "site-static")
            timed_strict_build(plugin_only, scratch / "site-plugin")
        except BuildFailed as error:
            print(f"docs build: {error}")
            result.add("mkdocs build --strict", "not run: the strict build fails")
            result.notes.append(str(error).splitlines()[0])
            result.write(args.json_out)
            return 1
        differing = differing_pages(scratch / "site-macros", scratch / "site-static")
        differing += differing_pages(scratch / "site-macros", scratch / "site-plugin")

        macro_runs: list[BuildTiming] = []
        static_runs: list[BuildTiming] = []
        plugin_runs: list[BuildTiming] = []
        for run in range(args.runs):
            macro_runs.append(timed_strict_build(with_macros, scratch / f"m{run}"))
            static_runs.append(timed_strict_build(static, scratch / f"s{run}"))
            plugin_runs.append(timed_strict_build(plugin_only, scratch / f"p{run}"))

    macro_wall = statistics.median(t.wall_s for t in macro_runs)
    static_wall = statistics.median(t.wall_s for t in static_runs)
    cost = (macro_wall - static_wall) / static_wall * 100
    met = cost <= GOAL_PERCENT
    reported_pairs = [(m.reported_s, s.reported_s) for m, s in zip(macro_runs, static_runs,
                                                                  strict=True)]
    have_reported = all(m is not None and s is not None for m, s in reported_pairs)

    print(f"docs build, {page_count} pages, {args.runs} alternating runs of each variant")
    print(f"  with macros (as shipped)     median {macro_wall:.3f} s  "
          f"min {min(t.wall_s for t in macro_runs):.3f} s")
    print(f"  static Markdown (no macros)  median {static_wall:.3f} s  "
          f"min {min(t.wall_s for t in static_runs):.3f} s")
    print(f"  macros + model cost: {cost:+.1f} % of the static build "
          f"(goal <= {GOAL_PERCENT:.0f} %: {'met' if met else 'NOT met'})")
    plugin_wall = statistics.median(t.wall_s for t in plugin_runs)
    fixed = (plugin_wall - static_wall) / static_wall * 100
    rendering = (macro_wall - plugin_wall) / static_wall * 100
    print(f"  of which: plugin import + define_env (model load), pages not rendered: "
          f"median {plugin_wall:.3f} s = {fixed:+.1f} %; rendering the pages: {rendering:+.1f} %")
    if differing:
        print(f"  WARNING: {len(differing)} pages differ between the variants: {differing[:5]}")
    else:
        print("  both variants built byte-identical HTML pages")

    result.add("pages in the site", page_count)
    result.add(f"`mkdocs build --strict`, whole site, median of {args.runs} (wall)",
               seconds(macro_wall), "s")
    result.add(f"same pages as static Markdown, median of {args.runs} (wall)",
               seconds(static_wall), "s")
    result.add("macros + model cost over static Markdown (wall)", round(cost, 1), "%",
               f"<= {GOAL_PERCENT:.0f} %", met)
    result.add("of which: macros plugin import + define_env/model load (wall)", round(fixed, 1),
               "%")
    result.add("of which: rendering the pages' macros (wall)", round(rendering, 1), "%")
    if have_reported:
        macro_reported = statistics.median(m for m, _ in reported_pairs)
        static_reported = statistics.median(s for _, s in reported_pairs)
        reported_cost = (macro_reported - static_reported) / static_reported * 100
        print(f"  mkdocs' own 'built in' time: {macro_reported:.2f} s vs {static_reported:.2f} s "
              f"({reported_cost:+.1f} %)")
        result.add("mkdocs-reported build time with macros, median", macro_reported, "s")
        result.add("mkdocs-reported build time static, median", static_reported, "s")
        result.add("macros + model cost (mkdocs-reported time)", round(reported_cost, 1), "%")
    result.add("HTML pages that differ between the two variants", len(differing), "",
               "0", not differing)
    breakdown = fixed_cost_breakdown(max(args.runs, 5))
    print("  fixed steps, each timed in a fresh interpreter (median ms): " + ", ".join(
        f"{step} {value * 1000:.0f}" for step, value in breakdown.items()))
    result.notes.append("Fixed steps behind the macros' cost (fresh interpreter, median ms): "
                        + "; ".join(f"{step} {value * 1000:.0f}"
                                    for step, value in breakdown.items()))
    result.notes.append(
        "Static variant: each page's Markdown as mkdocs-macros rendered it, written back as "
        "the page source, with the macros plugin removed from mkdocs.yml. Wall times include "
        "Python start-up and imports, as a user running the command sees them."
    )
    result.write(args.json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
