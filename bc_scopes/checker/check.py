"""`check(table, inputs, options) -> Report`: the whole check as one plain function call.

No pytest, no global state, no environment reads, no output: the fronts (the
CLI, the batch mode, the pytest plugin) gather inputs, call this and render
the report. Each call builds its own client, rate gate and cancel event, so
many checks of different stores can run at once on different threads.
"""

from __future__ import annotations

from dataclasses import replace

from bc_scopes.checker.client import BigCommerceClient
from bc_scopes.checker.hooks import CheckHooks
from bc_scopes.checker.inputs import CheckInputs, token_warnings
from bc_scopes.checker.open_questions import open_question_notes
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.probes import run_check
from bc_scopes.checker.redact import Redactor
from bc_scopes.checker.report import Report
from bc_scopes.checker.secrets import describe_client_credentials
from bc_scopes.checker.verdicts import evaluate, not_checked
from bc_scopes.checker.workers import CancelScope, RunGuard
from bc_scopes.model import ScopeRow, ScopeTable


def rows_to_check(table: ScopeTable, only_rows: tuple[str, ...] | None) -> tuple[ScopeRow, ...]:
    """The chosen rows (all, both lists, by default) plus every row their shared routes
    depend on, in table order.

    A grant that another row's scope could explain only counts once that row is
    proven below the opening level, so that row must be probed too.
    """
    if only_rows is None:
        return table.all_rows
    wanted = {table.row(row_id).id for row_id in only_rows}
    for row_id in list(wanted):
        for probe in table.row(row_id).probes:
            wanted.update(table.row(opener.row_id).id for opener in probe.also_opened_by)
    return tuple(row for row in table.all_rows if row.id in wanted)


def credential_notes(inputs: CheckInputs) -> list[str]:
    """What can be said locally about the credentials that are never sent."""
    return describe_client_credentials(inputs.client_id, inputs.client_secret)


def check(
    table: ScopeTable,
    inputs: CheckInputs,
    options: CheckOptions | None = None,
    hooks: CheckHooks | None = None,
    *,
    cancel: CancelScope | None = None,
) -> Report:
    """Send the preflight and the probes for one store and return the verdicts.

    Setting `cancel` (a child of the run guard's root, from another thread, or
    on Ctrl-C) stops the check: no request that has not left yet is sent, and
    unfinished rows end `unknown`. When the check returns, its scope is set and
    its in-flight slots are given back, so nothing of it leaves after its report.
    """
    options = options or CheckOptions()
    hooks = hooks or CheckHooks()
    guard = hooks.guard if hooks.guard is not None else RunGuard()
    hooks = replace(hooks, guard=guard)
    scope = cancel if cancel is not None else guard.root.child()
    rows = rows_to_check(table, options.only_rows)
    client = BigCommerceClient(
        inputs.store_base_url(),
        inputs.access_token,
        options.effective_policy,
        options.concurrency,
        cancel=scope,
        hooks=hooks,
        store_hash=inputs.store_hash,
    )
    redactor = hooks.redactor or Redactor(
        (inputs.access_token, inputs.client_id, inputs.client_secret)
    )
    try:
        run = run_check(
            client, rows, inputs.api_url, options.concurrency, redactor, options.deadline,
            hooks.clock,
        )
    finally:
        guard.end_store(scope)
    if run.preflight.ok:
        verdicts = evaluate(table, run.results, rows)
    else:
        verdicts = not_checked(
            table, "Not checked: " + run.preflight.message,
            run.preflight.anchor or "store-unreachable", rows,
        )
    stop = run.safety_stop
    wanted = set(options.only_rows) if options.only_rows is not None else None
    # Shown in every report, not only under -v: they can change what the reader does.
    warnings = token_warnings(inputs.access_token) + open_question_notes(table, verdicts)
    return Report(
        table=table,
        store_hash=inputs.store_hash,
        api_url=inputs.api_url,
        rows=[
            result for result in verdicts
            if wanted is None or result.row.id in wanted or set(result.row.aliases) & wanted
        ],
        preflight=run.preflight,
        safety_stop=stop,
        stopped_by=None if stop is not None else guard.safety_stop,
        requests_sent=run.requests_sent,
        strict=options.strict,
        notes=credential_notes(inputs) + warnings,
        warnings=warnings,
        target_label=options.target_label,
    )
