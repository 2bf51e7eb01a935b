"""Report lines for verdicts that rest on a question BigCommerce's sources leave open.

Some routes are opened, by one source's reading, by a second row's scope as well (for
example access-tokens_payments.v3.yml:378-379 lists Get payment methods beside Create
payments). Until a calibration run settles such a question, the verdict keeps the
main reading, and a token that passed the probe while holding that second row gets a
line saying so, with a link to the question on the calibration page. Pure: rows in,
text out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bc_scopes.checker.evidence import Outcome
from bc_scopes.checker.verdicts import RowResult
from bc_scopes.levels import level_label
from bc_scopes.model import ScopeTable


def _may_hold(result: RowResult | None, level: str) -> bool:
    """True unless the evidence shows the token holds this row below `level`.

    A row whose only route the questioned probe's row also opens is rarely pinned down
    (Get payment methods, say), so "may hold" is what the answers can say.
    """
    if result is None or level not in result.row.levels:
        return False
    return result.highest is None or result.row.rank(result.highest) >= result.row.rank(level)


def open_question_notes(table: ScopeTable, rows: Sequence[RowResult]) -> list[str]:
    """One line per granted probe whose route another held row may also open."""
    by_id = {result.row.id: result for result in rows}
    notes = []
    for result in rows:
        for probe in result.row.probes:
            if probe.open_question is None:
                continue
            granted = any(
                answer.outcome is Outcome.GRANTED
                and (answer.method, answer.path) == (probe.method, probe.path)
                for answer in result.evidence
            )
            holders = [
                opener for opener in probe.may_be_opened_by
                if _may_hold(by_id.get(table.row(opener.row_id).id), opener.level)
            ]
            if not granted or not holders:
                continue
            others = " or ".join(
                f"{table.row(o.row_id).name} at {level_label(o.level)}" for o in holders
            )
            notes.append(
                f"{result.row.name}: {probe.method} {probe.path} was let through, and this "
                f"token may hold {others}, which one of BigCommerce's sources says opens it "
                f"too. Open question {probe.open_question} ({table.guide.calibration_url()}): "
                f"until it is settled, the {result.row.name} verdict takes the other reading."
            )
    return notes
