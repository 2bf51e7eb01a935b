"""`upstream/baseline.json`: the upstream facts the watch last compared against.

It holds facts and fingerprints, never BigCommerce's text: the docs commit, and for each
control-panel scope string its table, UI name, permission and a hash of its description
and of its APIs column; for each route a probe uses, the scopes the docs give it. The
description hashes are how the watch notices a changed description (low impact).
Written by `scripts/upstream_watch.py --update-baseline`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .accounts import PanelEntry
from .errors import UpstreamError
from .reference import ReferenceFacts

ABOUT = (
    "Upstream facts the watch last compared against (bigcommerce/docs). Fingerprints, not "
    "text. Written by scripts/upstream_watch.py --update-baseline; do not edit by hand."
)


def build_baseline(
    entries: list[PanelEntry], reference: ReferenceFacts, probe_routes: list[str],
    commit: str | None,
) -> dict[str, Any]:
    panel: dict[str, Any] = {}
    for entry in entries:
        panel.setdefault(entry.parameter, {
            "table": entry.table,
            "ui_name": entry.ui_name,
            "permission": entry.permission,
            "description": entry.description_hash,
            "apis": entry.apis_hash,
        })
    routes = reference.route_map()
    probes: dict[str, Any] = {}
    for key in sorted(set(probe_routes)):
        route = routes.get(key)
        if route is not None:
            probes[key] = {"scopes": list(route.scopes), "no_scope": route.no_scope,
                           "spec": route.spec}
    return {
        "about": ABOUT,
        "docs": {"repo": "bigcommerce/docs", "commit": commit},
        "control_panel": dict(sorted(panel.items())),
        "probe_routes": probes,
    }


def render_baseline(baseline: dict[str, Any]) -> str:
    """JSON with one scope string or route per line, so a change is a one-line diff."""
    lines = ["{"]
    head = [key for key in baseline if key not in ("control_panel", "probe_routes")]
    for key in head:
        lines.append(f" {json.dumps(key)}: {json.dumps(baseline[key], ensure_ascii=False)},")
    for section in ("control_panel", "probe_routes"):
        items = baseline.get(section) or {}
        lines.append(f" {json.dumps(section)}: {{")
        rows = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
                for key, value in items.items()]
        lines.append(",\n".join(rows))
        lines.append(" }," if section == "control_panel" else " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def load_baseline(path: Path, source: str) -> dict[str, Any] | None:
    """The baseline, or None when there is none yet."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UpstreamError(source, error.lineno, f"invalid JSON: {error.msg}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UpstreamError(source, None, f"cannot read the file ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("control_panel", {}), dict):
        raise UpstreamError(source, 1, "not a baseline (no control_panel mapping)")
    return data
