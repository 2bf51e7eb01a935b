"""Page weight and quality of the built guide: bytes to open the scopes page, axe, Lighthouse.

Why: the guide is opened by merchants on any connection and device, and the issue
sets figures, not impressions: the bytes a fresh browser transfers to open the
scopes page, and Lighthouse scores (performance 0.95 or better; accessibility,
best practices and SEO 1.0) on mobile and desktop. When a score misses, the
audits that failed are printed, so the fix can be made in the docs.

It builds the site with `mkdocs build --strict`, serves it on 127.0.0.1 (a random
port), drives Debian's chromium through Playwright for the byte count and an axe
scan, and runs the pinned npm `lighthouse` (scripts/lighthouse) against the same
server: five times per page on mobile (the median run is reported, as Lighthouse's
guidance on variability advises) and once on desktop. The server gzips text as GitHub
Pages does; the bytes are also measured from a server without compression, so both
figures are on record. Before axe, the main-thread work of opening the scopes page on
a phone (Chromium's own counters at a 4x CPU slowdown) is measured too: steadier than
Lighthouse on a shared VM.

It also follows the phone path from the home page to "connect in DropStream" for each
branch (the 3PL-managed merchant, the merchant on their own) on a 390 x 844 screen and
counts the taps and the scrolls (one scroll = 80 % of the screen). `--before DIR` does
the same on another copy of the project (e.g. a worktree of the commit before a change)
for a before/after pair; `--project DIR` measures only that copy.

Usage: .venv/bin/python scripts/bench_pages.py [--pages index scopes store-hash]
       [--skip-lighthouse] [--mobile-runs N] [--no-gzip] [--phone-path-only] [--project DIR]
       [--before DIR]
       [--json-out FILE]
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from bench_common import (
    REPO_ROOT,
    BenchResult,
    BuildFailed,
    argument_parser,
    command_line,
    timed_strict_build,
)

from tools.static_server import serve_directory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
LIGHTHOUSE_DIR = REPO_ROOT / "scripts" / "lighthouse"
LIGHTHOUSE_BIN = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
REPORTS_DIR = REPO_ROOT / ".lighthouse"  # gitignored; full JSON reports for digging in
CATEGORY_GOALS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
PERF_METRICS = (
    "first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
    "cumulative-layout-shift", "speed-index",
)
DEFAULT_PAGES = ("index", "scopes", "store-hash")
WEIGHT_PAGE = "scopes"


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


class _StaticHandler(SimpleHTTPRequestHandler):
    """A static file server that gzips text like GitHub Pages does (when `gzip` is on).

    Measuring over an uncompressed server would charge the guide for a server
    setting it never ships with; the uncompressed body sizes are reported too.
    """

    gzip_text = True
    _cache: dict[Path, bytes] = {}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.gzip_text and accepts_gzip and path.is_file()
                and path.suffix in COMPRESSIBLE):
            super().do_GET()
            return
        if path not in self._cache:
            self._cache[path] = gzip.compress(path.read_bytes(), 6)
        body = self._cache[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(site: Path, gzip_text: bool = True) -> Iterator[str]:
    """Serve `site` on a random loopback port for the duration of the block."""
    handler_class = type("Handler", (_StaticHandler,), {"gzip_text": gzip_text, "_cache": {}})
    with serve_directory(site, handler_class) as base_url:
        yield base_url


def page_url(base: str, page: str) -> str:
    return base if page in ("", "index") else f"{base}{page.strip('/')}/"


# --- bytes transferred ------------------------------------------------------------------------


def measure_transfer(base: str, page: str) -> dict[str, Any]:
    """Open `page` in a fresh browser context and add up what came over the wire."""
    from playwright.sync_api import sync_playwright

    responses: list[Any] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()  # fresh: empty cache, no service worker
        browser_page = context.new_page()
        browser_page.on("response", lambda response: responses.append(response))
        browser_page.goto(page_url(base, page), wait_until="networkidle")
        browser_page.wait_for_timeout(1000)  # late requests (search index in the worker)
        by_type: dict[str, dict[str, int]] = defaultdict(
            lambda: {"requests": 0, "transferred": 0, "body": 0}
        )
        for response in responses:
            request = response.request
            sizes = request.sizes()
            body = response.body() if response.status < 300 else b""
            kind = by_type[request.resource_type]
            kind["requests"] += 1
            kind["transferred"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            kind["body"] += len(body)
        foreign = [r.url for r in responses if not r.url.startswith(base)]
        browser.close()
    totals = {key: sum(kind[key] for kind in by_type.values())
              for key in ("requests", "transferred", "body")}
    return {"by_type": dict(by_type), "totals": totals, "foreign_requests": foreign}


# --- axe --------------------------------------------------------------------------------------


def axe_violations(base: str, pages: list[str]) -> dict[str, list[str]]:
    """axe-core violations per page, as 'rule-id (n nodes): help' lines."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    found: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page in pages:
            browser_page = browser.new_page()
            browser_page.goto(page_url(base, page), wait_until="networkidle")
            response = Axe().run(browser_page).response
            found[page] = [
                f"{violation['id']} ({len(violation['nodes'])} nodes): {violation['help']}"
                for violation in response["violations"]
            ]
            browser_page.close()
        browser.close()
    return found


# --- Lighthouse -------------------------------------------------------------------------------


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse from the lock file once (node_modules is gitignored)."""
    if LIGHTHOUSE_BIN.exists():
        return
    command = ["npm", "ci", "--no-audit", "--no-fund"]
    if not (LIGHTHOUSE_DIR / "package-lock.json").exists():
        command = ["npm", "install", "--no-audit", "--no-fund"]
    subprocess.run(command, cwd=LIGHTHOUSE_DIR, check=True, stdout=subprocess.DEVNULL)


def lighthouse_version() -> str:
    return subprocess.run(
        [str(LIGHTHOUSE_BIN), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def run_lighthouse(url: str, preset: str, output: Path) -> dict[str, Any]:
    command = [
        str(LIGHTHOUSE_BIN), url,
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
        "--output=json", f"--output-path={output}", "--quiet",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=240)
    return json.loads(output.read_text(encoding="utf-8"))


def failed_audits(report: dict[str, Any], category: str) -> list[str]:
    """Audits that cost the category points, with up to three offending elements each."""
    audits = report["audits"]
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if ref.get("weight", 0) == 0 or score is None or score >= 1:
            continue
        line = f"{audit['id']} (score {score}): {audit.get('title', '')}"
        if audit.get("displayValue"):
            line += f" [{audit['displayValue']}]"
        items = (audit.get("details") or {}).get("items") or []
        snippets = [
            item["node"].get("snippet", "")[:120] for item in items
            if isinstance(item, dict) and isinstance(item.get("node"), dict)
        ][:3]
        if snippets:
            line += " -- " + " | ".join(snippets)
        lines.append(line)
    return lines


# Lighthouse's simulated phone multiplies the task times it observes by 4, so on a shared
# two-core VM one run's performance score moves by several hundredths from run to run
# (0.88 to 1.00 for the same build of /scopes/). Lighthouse's own guidance is to run it
# several times and report the median run (docs/variability.md in GoogleChrome/lighthouse,
# "Run Lighthouse multiple times"); every run's score is printed and kept in the notes.
MOBILE_RUNS = 5


def median_run(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median performance score (the lower middle one for an even count)."""
    ordered = sorted(reports, key=lambda report: report["categories"]["performance"]["score"] or 0)
    return ordered[(len(ordered) - 1) // 2]


def summarise_lighthouse(report: dict[str, Any]) -> dict[str, Any]:
    scores = {name: report["categories"][name]["score"] for name in CATEGORY_GOALS}
    metrics = {
        name: report["audits"][name].get("displayValue", "") for name in PERF_METRICS
        if name in report["audits"]
    }
    failures = {
        name: failed_audits(report, name)
        for name, goal in CATEGORY_GOALS.items()
        if scores[name] is not None and scores[name] < goal
    }
    return {
        "scores": scores, "metrics": metrics, "failures": failures,
        "warnings": report.get("runWarnings", []),
        "error": (report.get("runtimeError") or {}).get("message"),
    }


# --- the phone path: home page to "connect in DropStream" ---------------------------------


PATH_PHONE = {"width": 390, "height": 844}
SWIPE = 0.8  # one scroll (a swipe) moves the page by 80 % of the screen's height


def _see(selector: str) -> tuple[str, str]:
    return ("see", selector)


def _tap(selector: str) -> tuple[str, str]:
    return ("tap", selector)


def _next_page(page: str) -> tuple[str, str]:
    """Go on to `page` by the first link to it from the last thing read onwards (in the text
    or the footer); where the page has none, through the menu (two taps)."""
    return ("onwards", page)


# Each branch: the reader's actions, in order, from the home page. Where the guide before
# and after a change words a step differently, a step lists alternatives (the first whose
# first selector is on the page is taken), so one script measures both builds.
PATH_BRANCHES: dict[str, list[list[list[tuple[str, str]]]]] = {
    "3PL-managed (ends at: share the credentials with the 3PL)": [
        [[_tap('[data-bc-path="3pl"] a[href$="store-hash/"]')],
         [_tap('.tabbed-labels label:has-text("With a 3PL")'),
          _tap('.tabbed-block:visible a[href$="store-hash/"]')]],
        [[_see("article ol"), _next_page("create-account/")]],
        [[_see("#fill-in-the-form ~ ol"), _next_page("scopes/")]],
        [[_see("[data-bc-checklist]"), _see('table[data-bc-table="leave-at-none"]'),
          _next_page("save-credentials/")],
         [_see("[data-bc-checklist]"), _next_page("save-credentials/")]],
        [[_see("#save ~ ol"), _see("#share-with-3pl ~ ul")]],
    ],
    "merchant on their own (ends at: connect the store in DropStream)": [
        [[_tap('[data-bc-path="own"] a[href$="store-hash/"]')],
         [_tap('.tabbed-block:visible a[href$="store-hash/"]')]],  # "On my own" is open
        [[_see("article ol"), _next_page("create-account/")]],
        [[_see("#fill-in-the-form ~ ol"), _next_page("scopes/")]],
        [[_see("[data-bc-checklist]"), _see('table[data-bc-table="leave-at-none"]'),
          _next_page("save-credentials/")],
         [_see("[data-bc-checklist]"), _next_page("save-credentials/")]],
        [[_see("#save ~ ol"), _next_page("next-step/")]],
        [[_see("#connect-the-store ~ ol")]],
    ],
}

_BOX = """(el) => { const r = el.getBoundingClientRect();
  return [r.top + scrollY, r.bottom + scrollY, r.width > 0 || r.height > 0]; }"""
_RENDER_ALL = ("document.querySelectorAll('*').forEach(el => { "
               "if (getComputedStyle(el).contentVisibility === 'auto') "
               "el.style.contentVisibility = 'visible'; })")


class _Reader:
    """A reader on a phone: scrolls by swipes until what they need is on screen, taps links.

    The screen is the viewport less Material's sticky header. `y` is the page's scroll
    position as the reader has it; a tap that opens a page starts from where the browser
    put it (the top, or the linked heading).
    """

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.taps = 0
        self.scrolls = 0
        self.read_to = 0.0  # the bottom of what has been read on this page
        self.read_from = 0.0  # the top of the last thing read
        self.log: list[str] = []
        self._arrived()

    def _arrived(self) -> None:
        self.tab.wait_for_load_state("load")
        self.tab.evaluate(_RENDER_ALL)
        self.y = float(self.tab.evaluate("scrollY"))
        self.read_to = self.y
        self.read_from = self.y
        self.height = float(self.tab.evaluate("innerHeight"))
        header = self.tab.locator(".md-header")
        self.top_band = float(header.bounding_box()["height"]) if header.count() else 0.0

    def _bring_into_view(self, top: float, bottom: float) -> int:
        step = SWIPE * self.height
        limit = float(self.tab.evaluate(
            "document.documentElement.scrollHeight - innerHeight"))
        swipes = 0
        while bottom > self.y + self.height + 0.5 and self.y < limit:
            self.y = min(self.y + step, limit)
            swipes += 1
        # Back up only to reach something above the screen, never after scrolling down
        # to something (a swipe that overshoots leaves its top scrolled past: read).
        while not swipes and top < self.y + self.top_band - 0.5 and self.y > 0:
            self.y = max(self.y - step, 0.0)
            swipes += 1
        self.scrolls += swipes
        self.tab.evaluate(f"window.scrollTo(0, {self.y})")
        return swipes

    def _first(self, selector: str, below: float | None = None) -> Any:
        for handle in self.tab.locator(selector).element_handles():
            top, bottom, shown = handle.evaluate(_BOX)
            if shown and (below is None or top >= below - 1):
                return handle
        return None

    def _where(self) -> str:
        return "/" + self.tab.url.split("/", 3)[-1]

    def has(self, selector: str) -> bool:
        return self._first(selector) is not None

    def see(self, selector: str) -> None:
        handle = self._first(selector)
        if handle is None:
            raise LookupError(f"{self.tab.url}: nothing matches {selector!r}")
        top, bottom, _ = handle.evaluate(_BOX)
        # Read as far as its end; a part already scrolled past counts as read.
        on_screen = self.y + self.top_band <= bottom <= self.y + self.height
        swipes = 0 if on_screen else self._bring_into_view(
            max(top, bottom - self.height + self.top_band), bottom)
        self.read_to = max(self.read_to, bottom)
        self.read_from = top
        self.log.append(f"{self._where()}: read {selector} ({swipes} scrolls)")

    def tap(self, selector: str, below: float | None = None) -> None:
        handle = self._first(selector, below)
        if handle is None:
            raise LookupError(f"{self.tab.url}: nothing to tap at {selector!r}")
        top, bottom, _ = handle.evaluate(_BOX)
        in_header = handle.evaluate("el => !!el.closest('.md-header')")
        swipes = 0 if in_header else self._bring_into_view(top, bottom)
        address = self.tab.url
        self.log.append(f"{self._where()}: tap {selector} ({swipes} scrolls)")
        handle.click()
        self.taps += 1
        self.tab.wait_for_timeout(100)
        if self.tab.url.split("#")[0] != address.split("#")[0]:
            self._arrived()

    def onwards(self, page: str) -> None:
        link = (f'article a[href$="{page}"], article a[href*="{page}#"], '
                f'.md-footer a[href$="{page}"]')
        if self._first(link, below=self.read_from) is not None:
            self.tap(link, below=self.read_from)
            return
        self.tap('label.md-header__button[for="__drawer"]')
        self.tap(f'nav.md-nav--primary a.md-nav__link[href$="{page}"]')


def phone_path(base: str) -> dict[str, dict[str, Any]]:
    """Taps and scrolls on a 390 x 844 phone from the home page along each branch."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, Any]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for branch, steps in PATH_BRANCHES.items():
                context = browser.new_context(viewport=PATH_PHONE, is_mobile=True,
                                              has_touch=True)
                tab = context.new_page()
                tab.goto(base)
                reader = _Reader(tab)
                for alternatives in steps:
                    chosen = next((actions for actions in alternatives
                                   if reader.has(actions[0][1]) or actions[0][0] == "onwards"),
                                  alternatives[-1])
                    for kind, target in chosen:
                        getattr(reader, kind)(target)
                results[branch] = {"taps": reader.taps, "scrolls": reader.scrolls,
                                   "ends at": tab.url.removeprefix(base), "log": reader.log}
                context.close()
        finally:
            browser.close()
    return results


def report_phone_path(result: BenchResult, figures: dict[str, dict[str, Any]],
                      label: str = "") -> None:
    where = f" {label}" if label else ""
    print(f"phone path from the home page{where}, {PATH_PHONE['width']} x "
          f"{PATH_PHONE['height']}, one scroll = {SWIPE:.0%} of the screen:")
    for branch, figure in figures.items():
        print(f"  {branch}: {figure['taps']} taps, {figure['scrolls']} scrolls "
              f"(ends on /{figure['ends at']})")
        for line in figure["log"]:
            print(f"      {line}")
        goal, met = ("", None)
        if "3PL" in branch and not label:
            goal, met = ("12 scrolls or fewer", figure["scrolls"] <= 12)
        result.add(f"phone path{where}, {branch}: taps", figure["taps"])
        result.add(f"phone path{where}, {branch}: scrolls", figure["scrolls"], "", goal, met)


def phone_path_before(result: BenchResult, project: Path, scratch: Path) -> None:
    """The same phone path on another copy of the project (e.g. a worktree of the commit
    before a change), built with its own bc_scopes, for a before/after pair."""
    commit = subprocess.run(["git", "-C", str(project), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    site = scratch / "site-before"
    timed_strict_build(project.resolve(), site, {"PYTHONPATH": str(project.resolve())})
    with serve(site) as base:
        report_phone_path(result, phone_path(base), f"before (commit {commit or project})")


# --- main -------------------------------------------------------------------------------------


PHONE_RUNS = 5
PHONE_METRICS = ("RecalcStyleDuration", "LayoutDuration", "ScriptDuration", "TaskDuration")


def phone_main_thread(base: str, page: str) -> dict[str, float]:
    """Main-thread work to open `page` on an emulated phone (412 px) with a 4x CPU slowdown.

    Why: on this VM Lighthouse's mobile score moves by 0.05 between identical runs,
    too much to see a change in the page. Chromium's own counters (CDP
    Performance.getMetrics) at the same slowdown Lighthouse simulates are steadier;
    the median of PHONE_RUNS fresh loads, in milliseconds, after one warm-up load.
    """
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[float]] = {name: [] for name in PHONE_METRICS}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for attempt in range(PHONE_RUNS + 1):
                context = browser.new_context(viewport={"width": 412, "height": 823},
                                              device_scale_factor=1.75, is_mobile=True,
                                              has_touch=True)
                tab = context.new_page()
                cdp = context.new_cdp_session(tab)
                cdp.send("Performance.enable")
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
                tab.goto(page_url(base, page))
                tab.wait_for_load_state("load")
                tab.wait_for_timeout(1500)
                reported = cdp.send("Performance.getMetrics")["metrics"]
                metrics = {metric["name"]: metric["value"] for metric in reported}
                context.close()
                if attempt:  # the first load warms the disk cache and the server
                    for name in PHONE_METRICS:
                        runs[name].append(metrics[name] * 1000)
        finally:
            browser.close()
    return {name: statistics.median(values) for name, values in runs.items()}


def report_phone_main_thread(result: BenchResult, page: str, figures: dict[str, float]) -> None:
    print(f"main thread opening {page}/ on a phone, 4x CPU slowdown (median of {PHONE_RUNS}): "
          + ", ".join(f"{name.removesuffix('Duration')} {value:.0f} ms"
                      for name, value in figures.items()))
    for name, value in figures.items():
        result.add(f"{page}/ on a phone, 4x slowdown: {name.removesuffix('Duration')} time",
                   round(value), "ms")


def report_transfer(result: BenchResult, gzipped: dict[str, Any], plain: dict[str, Any]) -> None:
    totals = gzipped["totals"]
    print(f"bytes to open {WEIGHT_PAGE}/ in a fresh Chromium context ({totals['requests']} "
          "requests):")
    print(f"  transferred {totals['transferred']:,} B with gzip (as GitHub Pages serves it); "
          f"{plain['totals']['transferred']:,} B from a server without compression; "
          f"decoded bodies {totals['body']:,} B")
    ordered = sorted(gzipped["by_type"].items(), key=lambda kv: -kv[1]["transferred"])
    for kind, figures in ordered:
        print(f"    {kind:<11} {figures['requests']:>3} req  {figures['transferred']:>9,} B "
              f"transferred  {figures['body']:>9,} B decoded")
    print(f"  requests to other hosts: {len(gzipped['foreign_requests'])}")
    result.add(f"bytes transferred to open {WEIGHT_PAGE}/, gzip server (Chromium, fresh context)",
               totals["transferred"], "B")
    result.add(f"bytes transferred to open {WEIGHT_PAGE}/, server without compression",
               plain["totals"]["transferred"], "B")
    result.add(f"decoded size of everything {WEIGHT_PAGE}/ loads", totals["body"], "B")
    result.add(f"requests to open {WEIGHT_PAGE}/", totals["requests"])
    result.add("requests to other hosts", len(gzipped["foreign_requests"]), "", "0",
               not gzipped["foreign_requests"])
    by_type = "; ".join(
        f"{kind} {f['requests']} req {f['transferred']:,} / {f['body']:,} B" for kind, f in ordered
    )
    result.notes.append(f"{WEIGHT_PAGE}/ by type, gzip server (transferred / decoded): {by_type}")


def report_lighthouse(result: BenchResult, page: str, preset: str, summary: dict[str, Any],
                      counts_for_goal: bool = True, label: str = "") -> None:
    scores = summary["scores"]
    where = " ".join(part for part in (preset, f"{page}/", label) if part)
    print(f"lighthouse {where}: " + ", ".join(
        f"{name} {score:.2f}" if score is not None else f"{name} n/a"
        for name, score in scores.items()))
    print("    " + ", ".join(f"{name} {value}" for name, value in summary["metrics"].items()))
    if counts_for_goal:
        met = all(score is not None and score >= CATEGORY_GOALS[name]
                  for name, score in scores.items())
        result.add(f"Lighthouse {preset} {page}/: performance / accessibility / best practices"
                   " / SEO", " / ".join("n/a" if score is None else f"{score:.2f}"
                                        for score in scores.values()),
                   "", "0.95 / 1 / 1 / 1 or better", met)
    else:
        result.add(f"Lighthouse {where}: performance",
                   scores["performance"] if scores["performance"] is not None else "n/a")
    for category, lines in summary["failures"].items():
        for line in lines:
            print(f"    FAILED ({category}) {line}")
            result.notes.append(f"Lighthouse {where} {category}: {line}")
    for warning in summary["warnings"]:
        print(f"    run warning: {warning}")
        result.notes.append(f"Lighthouse {where} run warning: {warning}")
    if summary["error"]:
        print(f"    runtime error: {summary['error']}")
        result.notes.append(f"Lighthouse {preset} {page}/ runtime error: {summary['error']}")
    result.notes.append(f"Lighthouse {where} metrics: " + ", ".join(
        f"{name} {value}" for name, value in summary["metrics"].items()))


def measure_lighthouse(result: BenchResult, base: str, page: str, preset: str,
                       runs: int) -> None:
    """Run Lighthouse `runs` times on one page and preset; report the median run."""
    reports = []
    try:
        for run in range(runs):
            output = REPORTS_DIR / f"{page.replace('/', '_')}-{preset}-{run + 1}.json"
            reports.append(run_lighthouse(page_url(base, page), preset, output))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        print(f"lighthouse {page}/ {preset}: failed ({error})")
        result.add(f"Lighthouse {preset} {page}/", "not run: lighthouse failed")
        return
    if runs > 1:
        goal = CATEGORY_GOALS["performance"]
        scores = [report["categories"]["performance"]["score"] or 0 for report in reports]
        line = (f"Lighthouse {preset} {page}/ performance over {runs} runs (the median run is "
                f"reported): {', '.join(f'{score:.2f}' for score in scores)}; "
                f"{sum(score >= goal for score in scores)} of {runs} at {goal} or more")
        print(line)
        result.notes.append(line)
    report_lighthouse(result, page, preset, summarise_lighthouse(median_run(reports)))


def machine_load_note(start: tuple[float, float, float], end: tuple[float, float, float]) -> str:
    """Lighthouse's simulated phone and the 4x slowdown figures assume an idle machine;
    on a shared one the load average says how far from idle the run was."""
    return (f"Machine load average (1 min) at the start and the end of the run: "
            f"{start[0]:.1f} and {end[0]:.1f}, on {os.cpu_count()} cores.")


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=list(DEFAULT_PAGES),
                        help="pages for Lighthouse (folder names; index is the home page)")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--mobile-runs", type=int, default=MOBILE_RUNS,
                        help="Lighthouse mobile runs per page; the median run is reported "
                             f"(default {MOBILE_RUNS})")
    parser.add_argument("--no-gzip", action="store_true",
                        help="serve without compression for Lighthouse too")
    parser.add_argument("--phone-path-only", action="store_true",
                        help="only measure the phone path from the home page (taps, scrolls)")
    parser.add_argument("--before", type=Path, default=None,
                        help="also measure the phone path on this copy of the project (e.g. "
                             "`git worktree add /tmp/before <commit>`), as a 'before' figure")
    parser.add_argument("--project", type=Path, default=REPO_ROOT,
                        help="build this copy of the project instead (e.g. a worktree of an "
                             "older commit, for a 'before' figure); its own bc_scopes is used")
    args = parser.parse_args()
    result = BenchResult("pages", command_line())
    load_at_start = os.getloadavg()
    if not Path(CHROMIUM).exists():
        print(f"pages: {CHROMIUM} is missing; install Debian's chromium")
        result.add("page weight and Lighthouse", f"not run: {CHROMIUM} missing")
        result.write(args.json_out)
        return 1

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
        site = Path(scratch) / "site"
        try:
            timed_strict_build(args.project.resolve(), site,
                               {"PYTHONPATH": str(args.project.resolve())})
        except BuildFailed as error:
            print(f"pages: {error}")
            result.add("page weight and Lighthouse", "not run: the strict build fails")
            result.write(args.json_out)
            return 1
        all_pages = sorted(
            "index" if path.parent == site else str(path.parent.relative_to(site))
            for path in site.rglob("index.html")
        )
        if args.before is not None:
            phone_path_before(result, args.before, Path(scratch))
        if args.phone_path_only:
            with serve(site) as base:
                report_phone_path(result, phone_path(base))
            result.write(args.json_out)
            return 0
        with serve(site, gzip_text=False) as base:
            plain = measure_transfer(base, WEIGHT_PAGE)
        with serve(site, gzip_text=not args.no_gzip) as base:
            report_transfer(result, measure_transfer(base, WEIGHT_PAGE), plain)

            report_phone_main_thread(result, WEIGHT_PAGE, phone_main_thread(base, WEIGHT_PAGE))
            report_phone_path(result, phone_path(base))

            violations = axe_violations(base, all_pages)
            total = sum(len(lines) for lines in violations.values())
            print(f"axe (axe-playwright-python), {len(all_pages)} pages: {total} violations")
            for page, lines in violations.items():
                for line in lines:
                    print(f"    {page}/: {line}")
                    result.notes.append(f"axe {page}/: {line}")
            result.add(f"axe violations over all {len(all_pages)} pages", total, "", "0",
                       total == 0)

            if args.skip_lighthouse:
                result.write(args.json_out)
                return 0
            ensure_lighthouse()
            version = lighthouse_version()
            served = "without compression" if args.no_gzip else "with gzip, as GitHub Pages"
            result.notes.append(f"Lighthouse {version} (npm, scripts/lighthouse/package-lock.json)"
                                f" with {CHROMIUM}; mobile = default (simulated throttling); "
                                f"site served on 127.0.0.1 {served}.")
            REPORTS_DIR.mkdir(exist_ok=True)
            for page in args.pages:
                for preset in ("mobile", "desktop"):
                    runs = max(1, args.mobile_runs) if preset == "mobile" else 1
                    measure_lighthouse(result, base, page, preset, runs)
        if not args.no_gzip:
            # For the record: the same mobile run against a server that does not compress.
            with serve(site, gzip_text=False) as plain_base:
                output = REPORTS_DIR / f"{WEIGHT_PAGE}-mobile-uncompressed.json"
                report = run_lighthouse(page_url(plain_base, WEIGHT_PAGE), "mobile", output)
                report_lighthouse(result, WEIGHT_PAGE, "mobile", summarise_lighthouse(report),
                                  counts_for_goal=False, label="(server without compression)")
    result.notes.append(f"Full Lighthouse JSON reports: {REPORTS_DIR.relative_to(REPO_ROOT)}/")
    result.notes.append(machine_load_note(load_at_start, os.getloadavg()))
    result.write(args.json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
