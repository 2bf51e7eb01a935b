"""JUnit XML for CI systems, built with junitparser (never by hand).

One testsuite per store, one testcase per row, named by the row id so that a
CI history follows a row across renames. Verdicts map as the pytest plugin
maps them: ok and excess pass (excess fails under --strict), missing fails,
unverifiable is skipped, unknown is skipped as "could not complete".
"""

from __future__ import annotations

from collections.abc import Iterable

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from bc_scopes.checker.batch_results import StoreOutcome
from bc_scopes.checker.evidence import SafetyEvent
from bc_scopes.checker.formats.wording import fix_for
from bc_scopes.checker.redact import printable
from bc_scopes.checker.report import Report
from bc_scopes.checker.verdicts import Verdict
from bc_scopes.troubleshooting import problem

CLASSNAME = "bc-scopes"


def _case(report: Report, index: int) -> TestCase:
    result = report.rows[index]
    case = TestCase(result.row.id, f"{CLASSNAME}.{report.store_hash}", 0.0)
    line = printable(f"{result.row.name}: {result.verdict.value}. {result.reason}")
    url = report.row_url(result)
    if report.fails(result):
        case.result = [Failure(f"{line} Fix: {printable(fix_for(result))} {url}", "failure")]
    elif result.verdict is Verdict.UNVERIFIABLE:
        case.result = [Skipped(f"unverifiable: {printable(result.reason)}", "unverifiable")]
    elif result.verdict is Verdict.UNKNOWN:
        case.result = [Skipped(f"unknown (could not complete): {printable(result.reason)}",
                               "unknown")]
    elif result.verdict is Verdict.EXCESS:
        case.system_out = f"{line} {url}"
    return case


def report(report: Report, name: str | None = None) -> TestSuite:
    """One store's report as a testsuite."""
    suite = TestSuite(name or f"bc-scopes {report.store_hash}")
    if report.safety_stop is not None:
        event = report.safety_stop
        case = TestCase("safety-stop", f"{CLASSNAME}.{report.store_hash}", 0.0)
        case.result = [Error(printable(
            f"{event.method} {event.path} was answered {event.status} although it was built to "
            f"fail; the whole run stopped. {problem('unsafe-write').fix}"
        ), "safety-stop")]
        suite.add_testcase(case)
    for index in range(len(report.rows)):
        suite.add_testcase(_case(report, index))
    suite.add_property("store_hash", report.store_hash)
    suite.add_property("table_version", report.table.version)
    suite.add_property("exit_code", str(report.exit_code))
    suite.update_statistics()  # type: ignore[no-untyped-call]
    return suite


def document(suites: Iterable[TestSuite]) -> str:
    """The XML text of a testsuites document."""
    document = JUnitXml("bc-scopes")
    for suite in suites:
        document.add_testsuite(suite)
    document.update_statistics()  # type: ignore[no-untyped-call]
    body = document.tostring()  # type: ignore[no-untyped-call]
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n"


def store(outcome: StoreOutcome) -> TestSuite:
    """One store of `check-many` as a testsuite named after its row of the stores file.

    A store that could not be checked (bad input, credentials rejected, store not
    reachable) also gets an errored case, so a CI dashboard shows it as red rather
    than as a suite of skipped rows.
    """
    entry = outcome.entry
    name = printable(f"{entry.name} ({entry.store_hash})")
    classname = f"{CLASSNAME}.{entry.store_hash}"
    checked = outcome.report
    if checked is not None:
        suite = report(checked, name)
        preflight = checked.preflight
        if preflight is not None and not preflight.ok:
            case = TestCase("preflight", classname, 0.0)
            case.result = [Error(printable(f"Not checked: {preflight.message}"), "preflight")]
            suite.add_testcase(case)
    else:
        suite = TestSuite(name)
        case = TestCase("inputs", classname, 0.0)
        case.result = [Error(printable(outcome.error or "not checked"), "not-checked")]
        suite.add_testcase(case)
        suite.add_property("store_hash", entry.store_hash)
        suite.add_property("exit_code", str(outcome.exit_code))
    suite.add_property("store_name", printable(entry.name))
    suite.add_property("token_env", entry.token_env)
    suite.update_statistics()  # type: ignore[no-untyped-call]
    return suite


def suite_xml(suite: TestSuite) -> str:
    """One testsuite's XML text, for a document streamed suite by suite."""
    body = suite.tostring()  # type: ignore[no-untyped-call]
    return (body.decode("utf-8") if isinstance(body, bytes) else body) + "\n"


def safety(event: SafetyEvent, unchecked: list[str], what_to_do: str) -> TestSuite:
    """The run's safety stop as an errored case, named first in the document."""
    suite = TestSuite("bc-scopes safety stop")
    case = TestCase("safety-stop", f"{CLASSNAME}.{event.store_hash}", 0.0)
    left = f" Not checked: {', '.join(unchecked)}." if unchecked else ""
    case.result = [Error(printable(
        f"Store {event.store_hash}: {event.method} {event.path} was answered {event.status}, "
        f"although it was built to fail; the whole run stopped.{left} {what_to_do}"
    ), "safety-stop")]
    suite.add_testcase(case)
    suite.update_statistics()  # type: ignore[no-untyped-call]
    return suite

