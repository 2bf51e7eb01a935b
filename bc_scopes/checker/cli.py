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
    OPTION_SPECS,
    CheckOptions,
    OptionError,
    OptionSpec,
    RetryPolicy,
)

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
    "\nexample (prompts for the Access Token, hidden):\n"
    "  bc-scopes check --store-hash abc123 --json report.json\n"
    f"\nThe guide: {GUIDE_URL}"
)


BATCH_EPILOG = (
    "the stores file (CSV, UTF-8, a header row):\n"
    "  name,store_hash,token_env\n"
    "  Acme Outdoor,abc123,ACME_TOKEN\n"
    "  Birch & Co,def456,BIRCH_TOKEN\n"
    "  token_env names the environment variable that holds that store's Access Token.\n"
    "  Tokens never go in the file: a cell that looks like one stops the run (exit 2)\n"
    "  before anything is sent.\n"
    "\nexit codes: the worst store's code, in the order 2 > 3 > 1 > 4 > 0\n"
    + "".join(f"  {code}  {meaning}\n" for code, meaning in exitcodes.MEANINGS.items())
    + "\nenvironment:\n"
    "  <token_env>                each store's Access Token, in the variable its row names\n"
    "  BIGCOMMERCE_API_URL        API base for every store (default https://api.bigcommerce.com)\n"
    "  GITHUB_STEP_SUMMARY        when set, one Markdown table of stores x verdicts is appended\n"
    "\nEach store is checked with its own concurrency and rate-limit gate; at most\n"
    "--max-in-flight requests are in flight over all stores. One store's failure never\n"
    "stops the others. The check only reads."
)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and the checker's bad-input exit code."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(exitcodes.BAD_INPUT)


DEFAULT_MAX_IN_FLIGHT = 32  # as bc_scopes.checker.batch; kept here so --help imports nothing
BATCH_CONCURRENCY = 4  # check-many's default per-store concurrency (check's is 8)
MAX_IN_FLIGHT = (1, 512)


def _max_in_flight(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not MAX_IN_FLIGHT[0] <= value <= MAX_IN_FLIGHT[1]:
        raise argparse.ArgumentTypeError(
            f"--max-in-flight takes a whole number from {MAX_IN_FLIGHT[0]} to {MAX_IN_FLIGHT[1]}"
        )
    return value


def _value_parser(spec: OptionSpec) -> Any:
    def parse(text: str) -> Any:
        try:
            return spec.parse(text)
        except OptionError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def add_check_options(parser: argparse.ArgumentParser, names: tuple[str, ...]) -> None:
    """The flags generated from OPTION_SPECS (the pytest plugin uses the same specs)."""
    for spec in OPTION_SPECS:
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
    check.add_argument("--store-hash", metavar="HASH", help="store hash or pasted API path")
    check.add_argument(
        "--api-url", metavar="URL", help="API base URL (default https://api.bigcommerce.com)"
    )
    for flag, what in (
        ("--access-token-file", "the Access Token"),
        ("--client-id-file", "the Client ID"),
        ("--client-secret-file", "the Client Secret"),
    ):
        check.add_argument(flag, metavar="FILE", help=f"read {what} from FILE")
    check.add_argument(
        "--credentials-file", metavar="FILE", help="the .txt file BigCommerce downloaded when "
        "the API account was saved (token, client id and secret, API path)",
    )
    check.add_argument(
        "--scopes-file", metavar="FILE", help="scope table (default: the bundled scopes.yaml)"
    )
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
    many.add_argument(
        "--max-in-flight", type=_max_in_flight, default=DEFAULT_MAX_IN_FLIGHT, metavar="N",
        help=f"requests in flight over all stores, {MAX_IN_FLIGHT[0]}-{MAX_IN_FLIGHT[1]} "
        f"(default {DEFAULT_MAX_IN_FLIGHT})",
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
    demo = commands.add_parser(
        "demo", help="run a real check against a built-in fake store (no credentials needed)",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_output_options(demo)
    return parser


def _fail(message: str, code: int = exitcodes.BAD_INPUT) -> int:
    """One line on stderr, whatever the message holds (a YAML error can span two)."""
    one_line = " ".join(message.split())
    sys.stderr.write(f"bc-scopes: error: {one_line}\n")
    return code


def _prompt_for_token() -> str:
    import getpass

    return getpass.getpass("BigCommerce Access Token (input hidden): ")


class WaitCountdown:
    """On a terminal, counts down a rate-limit pause on one line of stderr.

    "waiting 12 s: other apps are using the store's API limit", rewritten each second
    and cleared when the pause ends. Pauses that overlap extend the same countdown.
    """

    MESSAGE = "waiting {} s: other apps are using the store's API limit"

    def __init__(self, stream: Any) -> None:
        import threading

        self._stream = stream
        self._lock = threading.Lock()
        self._until = 0.0
        self._running = False

    def __call__(self, seconds: float) -> None:
        import threading
        import time

        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._run, name="countdown", daemon=True).start()

    def _run(self) -> None:
        import math
        import time

        while True:
            with self._lock:
                left = self._until - time.monotonic()
                if left <= 0:
                    self._running = False
                    break
            self._stream.write("\r" + self.MESSAGE.format(math.ceil(left)) + " ")
            self._stream.flush()
            time.sleep(min(1.0, left))
        self._stream.write("\r" + " " * (len(self.MESSAGE) + 6) + "\r")
        self._stream.flush()


def _options(args: argparse.Namespace, policy: RetryPolicy | None, **extra: Any) -> CheckOptions:
    values = {
        spec.name: getattr(args, spec.name) for spec in OPTION_SPECS if hasattr(args, spec.name)
    }
    if policy is not None:
        extra["policy"] = policy
    if sys.stderr is not None and sys.stderr.isatty():
        extra.setdefault("on_wait", WaitCountdown(sys.stderr))
    return CheckOptions.from_values(values, **extra)


def _emit(report: Any, outputs: Any, verbose: bool) -> int:
    """Print the report and write the requested files; return the exit code."""
    import json

    from bc_scopes.checker.junit import junit_document, report_suite
    from bc_scopes.checker.render import render_markdown, render_text, to_json

    sys.stdout.write(render_text(report, verbose=verbose))
    sys.stdout.flush()
    outputs.write(
        json_text=json.dumps(to_json(report), indent=2) + "\n" if outputs.json else None,
        junit_text=junit_document([report_suite(report)]) if outputs.junit else None,
        markdown=render_markdown(report) + "\n" if outputs.step_summary else None,
    )
    return int(report.exit_code)


def _open_outputs(args: argparse.Namespace, environ: Any) -> Any:
    from bc_scopes.checker.outputs import OutputFiles

    return OutputFiles.open(args.json, args.junit_xml, environ.get("GITHUB_STEP_SUMMARY") or None)


def command_check(args: argparse.Namespace, policy: RetryPolicy | None) -> int:
    import os

    from bc_scopes.checker.check import check
    from bc_scopes.checker.inputs import InputError, resolve_inputs
    from bc_scopes.model import ScopeFileError, load_scope_table

    try:
        table = load_scope_table(args.scopes_file)
        options = _options(args, policy)
        inputs = resolve_inputs(
            store_hash=args.store_hash,
            api_url=args.api_url,
            access_token_file=args.access_token_file,
            client_id_file=args.client_id_file,
            client_secret_file=args.client_secret_file,
            prompt=_prompt_for_token if sys.stdin is not None and sys.stdin.isatty() else None,
            credentials_file=args.credentials_file,
        )
        outputs = _open_outputs(args, os.environ)
    except (InputError, ScopeFileError, OptionError) as error:
        return _fail(str(error))
    except (EOFError, KeyboardInterrupt):
        return _fail("no access token was entered")
    try:
        return _emit(check(table, inputs, options), outputs, args.verbose)
    finally:
        outputs.close()


def command_demo(args: argparse.Namespace, policy: RetryPolicy | None) -> int:
    import os

    from bc_scopes.checker.demo import DEMO_TARGET, run_demo
    from bc_scopes.checker.inputs import InputError
    from bc_scopes.model import ScopeFileError, load_scope_table

    try:
        table = load_scope_table()
        options = _options(args, policy, target_label=DEMO_TARGET)
        outputs = _open_outputs(args, os.environ)
    except (InputError, ScopeFileError, OptionError) as error:
        return _fail(str(error))
    try:
        return _emit(run_demo(table, options), outputs, args.verbose)
    finally:
        outputs.close()


def command_check_many(args: argparse.Namespace, policy: RetryPolicy | None) -> int:
    import json
    import os

    from bc_scopes.checker.batch import load_stores, plan, run_batch
    from bc_scopes.checker.inputs import (
        DEFAULT_API_URL,
        ENV_API_URL,
        InputError,
        normalise_api_url,
    )
    from bc_scopes.checker.junit import junit_document, store_suite
    from bc_scopes.checker.progress import progress_for
    from bc_scopes.checker.render import (
        batch_to_json,
        render_batch_footer,
        render_batch_header,
        render_batch_markdown,
        render_text,
    )
    from bc_scopes.model import ScopeFileError, load_scope_table

    environ = os.environ
    try:
        table = load_scope_table(args.scopes_file)
        options = _options(args, policy)
        raw_url = args.api_url if args.api_url is not None else environ.get(ENV_API_URL)
        api_url = normalise_api_url(raw_url) if raw_url is not None else DEFAULT_API_URL
        entries = load_stores(args.stores_file, environ)
        outputs = _open_outputs(args, environ)
    except (InputError, ScopeFileError, OptionError) as error:
        return _fail(str(error))
    try:
        _, per_store = plan(args.max_in_flight, options.concurrency)
        sys.stdout.write(render_batch_header(
            table.version, len(entries), args.stores_file, api_url, args.max_in_flight,
            per_store,
        ))
        sys.stdout.flush()
        progress = progress_for(len(entries))
        try:
            result = run_batch(
                table, entries, api_url, options, environ,
                max_in_flight=args.max_in_flight, progress=progress,
            )
        finally:
            progress.close()
        if args.verbose:
            for outcome in result.outcomes:
                if outcome.report is not None:
                    sys.stdout.write("\n" + render_text(outcome.report, verbose=True))
        sys.stdout.write(render_batch_footer(result))
        sys.stdout.flush()
        document = batch_to_json(result, table.version, args.stores_file, api_url, options.strict)
        outputs.write(
            json_text=json.dumps(document, indent=2) + "\n" if outputs.json else None,
            junit_text=junit_document(store_suite(outcome) for outcome in result.outcomes)
            if outputs.junit else None,
            markdown=render_batch_markdown(result, table.version) if outputs.step_summary
            else None,
        )
        return result.exit_code
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
