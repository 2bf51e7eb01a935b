"""`bc-scopes`: check a BigCommerce Access Token against scopes.yaml, many stores, or the demo.

A thin front: it reads flags, the environment and the prompt, calls
`check()`, renders the report and returns the checker's own exit code. Only
argparse is imported at start-up, so `bc-scopes --help` answers at once;
everything else loads when a command runs. Secrets never come from flags:
they come from the environment, a file, or a hidden prompt.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from bc_scopes import __version__, exitcodes
from bc_scopes.checker.options import (
    BATCH_CONCURRENCY,
    BATCH_DEADLINE_HELP,
    BATCH_SPECS,
    INPUT_FLAGS,
    INPUTS_OF_A_STORE,
    OPTION_SPECS,
    CheckOptions,
    OptionError,
    OptionSpec,
    RetryPolicy,
)
from bc_scopes.errors import BadInput

GUIDE_URL = "https://dropstream.github.io/bc-api-credentials/verify/"
EPILOG = (
    "exit codes:\n"
    + "".join(f"  {code}  {meaning}\n" for code, meaning in exitcodes.MEANINGS.items())
    + "\nenvironment:\n"
    "  BIGCOMMERCE_STORE_HASH     store hash, or the API path pasted from the credentials file\n"
    "  BIGCOMMERCE_ACCESS_TOKEN   the API account's Access Token (or --access-token-file)\n"
    "  BIGCOMMERCE_CLIENT_ID      optional; checked for shape only\n"
    "  BIGCOMMERCE_CLIENT_SECRET  optional; checked for shape only\n"
    "  BIGCOMMERCE_API_URL        API base (default https://api.bigcommerce.com)\n"
    "  GITHUB_STEP_SUMMARY        when set, a Markdown summary is appended to that file\n"
    "\nThe check only reads: writes are built to fail and DELETE is never sent. Nothing is "
    "stored,\nand nothing is sent anywhere but the API URL.\n"
    "\nexample (reads the .txt file BigCommerce downloaded when the API account was saved):\n"
    "  bc-scopes check --credentials-file ~/Downloads/<the-api-account>.txt\n"
    f"\nThe guide: {GUIDE_URL}"
)


BATCH_EPILOG = (
    "the stores file (CSV, UTF-8, a header row):\n"
    "  name,store_hash,token_env\n"
    "  Acme Outdoor,k7x2m9,ACME_TOKEN\n"
    "  Birch & Co,def456,BIRCH_TOKEN\n"
    "  token_env names the environment variable that holds that store's Access Token.\n"
    "  Tokens never go in the file: a cell that looks like one stops the run (exit 2)\n"
    "  before anything is sent.\n"
    f"\nexit codes: the worst store's code, in the order {exitcodes.SEVERITY_TEXT}\n"
    + "".join(f"  {code}  {meaning}\n" for code, meaning in exitcodes.MEANINGS.items())
    + "\nenvironment:\n"
    "  <token_env>                each store's Access Token, in the variable its row names\n"
    "  BIGCOMMERCE_API_URL        API base for every store (default https://api.bigcommerce.com)\n"
    "  GITHUB_STEP_SUMMARY        when set, one Markdown table of stores x verdicts is appended\n"
    "\nEach store is checked with its own concurrency and rate-limit gate; at most\n"
    "--max-in-flight requests are in flight over all stores. One store's failure never\n"
    "stops the others, but a safety stop (exit 5: a write built to fail was accepted) in\n"
    "any store stops every store at once. A store hash listed twice is checked once.\n"
    "--deadline applies to each store; --run-deadline bounds the whole run. --jsonl FILE\n"
    "writes one JSON line per store the moment it ends. The check only reads."
)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and the checker's bad-input exit code."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(exitcodes.BAD_INPUT)


def _value_parser(spec: OptionSpec) -> Any:
    def parse(text: str) -> Any:
        try:
            return spec.parse(text)
        except OptionError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def add_check_options(
    parser: argparse.ArgumentParser, names: tuple[str, ...],
    specs: tuple[OptionSpec, ...] = OPTION_SPECS,
) -> None:
    """The flags generated from OPTION_SPECS (the pytest plugin uses the same specs)."""
    for spec in specs:
        if spec.name not in names:
            continue
        if spec.kind is bool:
            parser.add_argument(spec.flag, action="store_true", default=spec.default,
                                help=spec.help)
        else:
            parser.add_argument(spec.flag, type=_value_parser(spec), default=spec.default,
                                metavar=spec.metavar, help=spec.help)


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", metavar="FILE", help="write the JSON report to FILE")
    parser.add_argument("--junit-xml", metavar="FILE", help="write JUnit XML to FILE")
    add_check_options(parser, ("strict", "concurrency"))
    parser.add_argument(
        "-v", "--verbose", action="store_true",
        help="also list every request and its answer under each row",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bc-scopes",
        description="Check, row by row, that a BigCommerce Access Token holds exactly the "
        "scopes in scopes.yaml, without changing anything in the store.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bc-scopes {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    check = commands.add_parser(
        "check", help="check a real store's token", epilog=EPILOG,
        description="Check a store's Access Token. Reads the BIGCOMMERCE_* environment variables; "
        "prompts for the token (hidden) when it is missing and stdin is a terminal.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for input_flag in INPUT_FLAGS:  # the plugin declares the same, as --bc-...
        check.add_argument(input_flag.flag, metavar=input_flag.metavar, help=input_flag.help)
    add_check_options(check, ("timeout", "deadline"))
    _add_output_options(check)
    many = commands.add_parser(
        "check-many", help="check many stores listed in a CSV file (for fulfilment providers)",
        epilog=BATCH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Check the Access Tokens of many stores in one run, several stores at "
        "once. Shows live progress on a terminal and one line per store otherwise.",
    )
    many.add_argument("stores_file", metavar="STORES.csv",
                      help="CSV with the columns name,store_hash,token_env")
    many.add_argument(
        "--api-url", metavar="URL", help="API base URL (default https://api.bigcommerce.com)"
    )
    add_check_options(many, ("max_in_flight", "run_deadline"), BATCH_SPECS)
    many.add_argument(
        "--jsonl", metavar="FILE", help="write one JSON line per store to FILE as each store ends"
    )
    many.add_argument(
        "--scopes-file", metavar="FILE", help="scope table (default: the bundled scopes.yaml)"
    )
    add_check_options(many, ("timeout", "deadline"))
    _add_output_options(many)
    # Throughput is set by --max-in-flight; fewer requests per store fill it with more
    # stores at once, and each store sees a gentler load (see BENCHMARKS.md).
    many.set_defaults(concurrency=BATCH_CONCURRENCY)
    for action in many._actions:
        if action.dest == "concurrency":
            action.help = f"probes sent in parallel per store, 1-16 (default {BATCH_CONCURRENCY})"
        if action.dest == "deadline":
            action.help = BATCH_DEADLINE_HELP
    demo = commands.add_parser(
        "demo", help="run a real check against a built-in fake store (no credentials needed)",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_output_options(demo)
    return parser


def _fail(message: str, code: int = exitcodes.BAD_INPUT) -> int:
    """One line on stderr, whatever the message holds (a YAML error can span two)."""
    from bc_scopes.errors import one_line

    sys.stderr.write(f"bc-scopes: error: {one_line(message)}\n")
    return code


def _prompt_for_token() -> str:
    import getpass

    return getpass.getpass("BigCommerce Access Token (input hidden): ")


def _options(args: argparse.Namespace, policy: RetryPolicy | None, **extra: Any) -> CheckOptions:
    values = {
        spec.name: getattr(args, spec.name) for spec in OPTION_SPECS if hasattr(args, spec.name)
    }
    if policy is not None:
        extra["policy"] = policy
    return CheckOptions.from_values(values, **extra)


def _hooks() -> Any:
    """A countdown on a terminal during rate-limit pauses; nothing otherwise."""
    from bc_scopes.checker.hooks import CheckHooks

    if sys.stderr is not None and sys.stderr.isatty():
        from bc_scopes.checker.countdown import WaitCountdown

        return CheckHooks(on_wait=WaitCountdown(sys.stderr))
    return CheckHooks()


def _width() -> int:
    """The terminal's width; 80 when it is unknown (a pipe, a CI log)."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _emit(result: Any, outputs: Any, verbose: bool) -> int:
    """The one end of `check`, `demo` and `check-many`: print, write the files, the exit code.

    `result` is a Report (one store) or a BatchEnd (check-many, whose files were
    streamed store by store and are only assembled here).
    """
    import json

    from bc_scopes.checker.formats import json as json_format
    from bc_scopes.checker.formats import junit, markdown, text

    if isinstance(result, BatchEnd):
        sys.stdout.write(text.batch(result.summary, result.not_ready))
        sys.stdout.flush()
        result.finish()
        return int(result.summary.exit_code)
    sys.stdout.write(text.report(result, verbose=verbose, width=_width()))
    sys.stdout.flush()
    outputs.write(
        json_text=json.dumps(json_format.report(result), indent=2) + "\n"
        if outputs.json else None,
        junit_text=junit.document([junit.report(result)]) if outputs.junit else None,
        markdown=markdown.report(result) + "\n" if outputs.step_summary else None,
    )
    return int(result.exit_code)


class BatchEnd:
    """What check-many hands `_emit`: the run's summary, and how to finish its files."""

    def __init__(self, summary: Any, not_ready: list[tuple[int, str]], finish: Any) -> None:
        self.summary, self.not_ready, self.finish = summary, not_ready, finish


def _open_outputs(args: argparse.Namespace, environ: Any) -> Any:
    from bc_scopes.checker.outputs import OutputFiles

    return OutputFiles.open(args.json, args.junit_xml, environ.get("GITHUB_STEP_SUMMARY") or None)


def command_check(args: argparse.Namespace, policy: RetryPolicy | None) -> int:
    import os

    from bc_scopes.checker.check import check
    from bc_scopes.checker.inputs import resolve_inputs
    from bc_scopes.model import load_scope_table

    try:
        table = load_scope_table(args.scopes_file)
        options = _options(args, policy)
        inputs = resolve_inputs(
            **{name: getattr(args, name) for name in INPUTS_OF_A_STORE},
            prompt=_prompt_for_token if sys.stdin is not None and sys.stdin.isatty() else None,
        )
        outputs = _open_outputs(args, os.environ)
    except BadInput as error:
        return _fail(str(error))
    except (EOFError, KeyboardInterrupt):
        return _fail("no access token was entered")
    try:
        return _emit(check(table, inputs, options, _hooks()), outputs, args.verbose)
    finally:
        outputs.close()


def command_demo(args: argparse.Namespace, policy: RetryPolicy | None) -> int:
    import os

    from bc_scopes.checker.demo import DEMO_TARGET, run_demo
    from bc_scopes.model import load_scope_table

    try:
        table = load_scope_table()
        options = _options(args, policy, target_label=DEMO_TARGET)
        outputs = _open_outputs(args, os.environ)
    except BadInput as error:
        return _fail(str(error))
    try:
        return _emit(run_demo(table, options, _hooks()), outputs, args.verbose)
    finally:
        outputs.close()


def command_check_many(args: argparse.Namespace, policy: RetryPolicy | None) -> int:
    import os
    from dataclasses import replace

    from bc_scopes.checker.batch import BatchLimits, plan, run_batch
    from bc_scopes.checker.batch_outputs import StreamedOutputs
    from bc_scopes.checker.evidence import SafetyEvent
    from bc_scopes.checker.formats import json as json_format
    from bc_scopes.checker.formats import junit
    from bc_scopes.checker.formats.text import batch_header, report
    from bc_scopes.checker.formats.wording import safety_sentence
    from bc_scopes.checker.inputs import (
        DEFAULT_API_URL,
        ENV_API_URL,
        InputError,
        normalise_api_url,
    )
    from bc_scopes.checker.outputs import open_stream
    from bc_scopes.checker.progress import progress_for
    from bc_scopes.checker.stores_file import load_stores
    from bc_scopes.model import load_scope_table

    environ = os.environ
    try:
        table = load_scope_table(args.scopes_file)
        options = _options(args, policy)
        raw_url = args.api_url if args.api_url is not None else environ.get(ENV_API_URL)
        api_url = normalise_api_url(raw_url) if raw_url is not None else DEFAULT_API_URL
        entries = load_stores(args.stores_file, environ)
        outputs = _open_outputs(args, environ)
    except BadInput as error:
        return _fail(str(error))
    try:
        try:
            jsonl = open_stream(args.jsonl, "--jsonl") if args.jsonl else None
        except InputError as error:
            return _fail(str(error))
        limits = BatchLimits(args.max_in_flight, args.run_deadline or None)
        _, per_store = plan(limits.max_in_flight, options.concurrency)
        sys.stdout.write(batch_header(
            table.version, len(entries), args.stores_file, api_url, limits.max_in_flight,
            per_store,
        ))
        sys.stdout.flush()
        progress = progress_for(len(entries))
        streamed = StreamedOutputs(outputs, jsonl)

        class Sink:
            def store_done(self, outcome: Any) -> None:
                progress.store_done(outcome)
                streamed.store_done(outcome)
                if args.verbose and outcome.report is not None:
                    sys.stdout.write("\n" + report(outcome.report, verbose=True, width=100))

        try:
            summary = run_batch(
                table, entries, api_url, options, environ, Sink(), limits=limits,
                hooks=replace(_hooks(), on_request=progress.request_sent),
            )
        finally:
            progress.close()
        event: SafetyEvent | None = summary.safety_stop
        unchecked = [entry.name for entry in summary.unchecked]
        safety = None if event is None else {
            "store_hash": event.store_hash, "method": event.method, "path": event.path,
            "status": event.status, "unchecked": unchecked, "what_to_do": safety_sentence(event),
            "help_url": table.guide.troubleshooting_url("unsafe-write"),
        }
        safety_xml = "" if event is None else junit.suite_xml(
            junit.safety(event, unchecked, safety_sentence(event))
        )
        meta = json_format.batch_meta(
            table.version, args.stores_file, api_url, options.strict, summary
        )

        def finish() -> None:
            streamed.finish(summary, meta, safety, safety_xml)
            if jsonl is not None:
                jsonl.close()

        return _emit(BatchEnd(summary, progress.not_ready, finish), outputs, args.verbose)
    finally:
        outputs.close()


INTERRUPTED_LINE = "bc-scopes: interrupted; no further request was sent (exit 130)\n"


def main(argv: list[str] | None = None, *, policy: RetryPolicy | None = None) -> int:
    """Run the command line. `policy` lets tests use fast retry timings; users never set it."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as leaving:  # --help, --version, or a usage error already printed
        return leaving.code if isinstance(leaving.code, int) else exitcodes.BAD_INPUT
    commands = {"check": command_check, "check-many": command_check_many, "demo": command_demo}
    if args.command not in commands:
        parser.print_help()
        return exitcodes.BAD_INPUT
    try:
        return commands[args.command](args, policy)
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED_LINE)
        sys.stderr.flush()
        return exitcodes.INTERRUPTED
    except Exception as error:  # noqa: BLE001 - the contract: one line, exit 4, no traceback
        # Only the exception's type: its text could hold anything, a secret included.
        return _fail(
            f"the check stopped on an internal error ({type(error).__name__}); "
            "please report it with the command you ran",
            exitcodes.INCOMPLETE,
        )


if __name__ == "__main__":
    raise SystemExit(main())
