"""JUnit XML for CI systems, built with junitparser (never by hand).

One testsuite per store, one testcase per row, named by the row id so that a
CI history follows a row across renames. Verdicts map as the pytest plugin
maps them: ok and excess pass (excess fails under --strict), missing fails,
unverifiable is skipped, unknown is skipped as "could not complete".
"""

from __future__ import annotations

from collections.abc import Iterable

from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from bc_scopes.checker.redact import printable
from bc_scopes.checker.report import Report, fix_for
from bc_scopes.checker.verdicts import Verdict

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


def report_suite(report: Report, name: str | None = None) -> TestSuite:
    """One store's report as a testsuite."""
    suite = TestSuite(name or f"bc-scopes {report.store_hash}")
    for index in range(len(report.rows)):
        suite.add_testcase(_case(report, index))
    suite.add_property("store_hash", report.store_hash)
    suite.add_property("table_version", report.table.version)
    suite.add_property("exit_code", str(report.exit_code))
    suite.update_statistics()  # type: ignore[no-untyped-call]
    return suite


def junit_document(suites: Iterable[TestSuite]) -> str:
    """The XML text of a testsuites document."""
    document = JUnitXml("bc-scopes")
    for suite in suites:
        document.add_testsuite(suite)
    document.update_statistics()  # type: ignore[no-untyped-call]
    body = document.tostring()  # type: ignore[no-untyped-call]
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n"
