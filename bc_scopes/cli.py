"""`bc-scopes`: check a BigCommerce Access Token against scopes.yaml, or run the demo.

Only argparse is imported at start-up, so `bc-scopes --help` answers at once;
everything else loads when a command runs. Secrets never come from flags:
they come from the environment, a file, or a hidden prompt.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from bc_scopes import __version__, exitcodes

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
    "stored,\nand nothing is sent anywhere but the API URL."
)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and the checker's bad-input exit code."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(exitcodes.BAD_INPUT)


CONCURRENCY_RANGE = "--concurrency takes a whole number from 1 to 16"


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(CONCURRENCY_RANGE) from None
    if not 1 <= value <= 16:
        raise argparse.ArgumentTypeError(CONCURRENCY_RANGE)
    return value


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("--timeout takes a number of seconds") from None
    if not 0.1 <= value <= 120:
        raise argparse.ArgumentTypeError("--timeout takes 0.1 to 120 seconds")
    return value


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", metavar="FILE", help="write the JSON report to FILE")
    parser.add_argument("--junit-xml", metavar="FILE", help="write pytest's JUnit XML to FILE")
    parser.add_argument(
        "--strict", action="store_true", help="treat excess rows as failures (exit 1)"
    )
    parser.add_argument(
        "--concurrency", type=_concurrency, default=8, metavar="N",
        help="probes sent in parallel, 1-16 (default 8)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true",
        help="also show pytest's own output (one line per row)",
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
    check.add_argument("--api-url", metavar="URL", help="API base URL (default https://api.bigcommerce.com)")
    for flag, what in (
        ("--access-token-file", "the Access Token"),
        ("--client-id-file", "the Client ID"),
        ("--client-secret-file", "the Client Secret"),
    ):
        check.add_argument(flag, metavar="FILE", help=f"read {what} from FILE")
    check.add_argument(
        "--scopes-file", metavar="FILE", help="scope table (default: the project's scopes.yaml)"
    )
    check.add_argument(
        "--timeout", type=_timeout, default=20.0, metavar="SECONDS", help="per-request read timeout"
    )
    _add_output_options(check)
    demo = commands.add_parser(
        "demo", help="run a real check against a built-in fake store (no credentials needed)",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_output_options(demo)
    return parser


def _fail(message: str) -> int:
    """One line on stderr, whatever the message holds (a YAML error can span two)."""
    one_line = " ".join(message.split())
    sys.stderr.write(f"bc-scopes: error: {one_line}\n")
    return exitcodes.BAD_INPUT


def _check_output_path(path: str | None, flag: str) -> str | None:
    """An output file must be writable; its folder is created like --junit-xml's is."""
    from pathlib import Path

    if path is None:
        return None
    target = Path(path)
    if target.is_dir():
        return f"{flag} {path} is a directory; give a file name"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"{flag} {path}: cannot create the folder {target.parent} ({error.strerror})"
    return None


def _prompt_for_token() -> str:
    import getpass

    return getpass.getpass("BigCommerce Access Token (input hidden): ")


def _run_options(args: argparse.Namespace, scopes_file: str | None):  # noqa: ANN202
    from pathlib import Path

    from bc_scopes.client import ClientPolicy
    from bc_scopes.model import DEFAULT_SCOPES_FILE
    from bc_scopes.runner import RunOptions

    return RunOptions(
        scopes_file=Path(scopes_file) if scopes_file else DEFAULT_SCOPES_FILE,
        json_path=args.json,
        junit_path=args.junit_xml,
        strict=args.strict,
        concurrency=args.concurrency,
        verbose=args.verbose,
        policy=ClientPolicy(read_timeout=getattr(args, "timeout", 20.0)),
    )


def _prepare(args: argparse.Namespace, scopes_file: str | None) -> str | None:
    """Validate outputs and the scope table; a message means exit 2."""
    from bc_scopes.model import ScopeFileError, load_scope_table

    for path, flag in ((args.json, "--json"), (args.junit_xml, "--junit-xml")):
        problem = _check_output_path(path, flag)
        if problem:
            return problem
    try:
        load_scope_table(scopes_file)
    except ScopeFileError as error:
        return str(error)
    return None


def command_check(args: argparse.Namespace) -> int:
    from bc_scopes.inputs import InputError, resolve_inputs
    from bc_scopes.runner import run_check_session

    problem = _prepare(args, args.scopes_file)
    if problem:
        return _fail(problem)
    try:
        inputs = resolve_inputs(
            store_hash=args.store_hash,
            api_url=args.api_url,
            access_token_file=args.access_token_file,
            client_id_file=args.client_id_file,
            client_secret_file=args.client_secret_file,
            prompt=_prompt_for_token if sys.stdin is not None and sys.stdin.isatty() else None,
        )
    except InputError as error:
        return _fail(str(error))
    except (EOFError, KeyboardInterrupt):
        return _fail("no access token was entered")
    return run_check_session(inputs, _run_options(args, args.scopes_file))


def command_demo(args: argparse.Namespace) -> int:
    from bc_scopes.demo import run_demo

    problem = _prepare(args, None)
    if problem:
        return _fail(problem)
    return run_demo(_run_options(args, None))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as leaving:  # --help, --version, or a usage error already printed
        return leaving.code if isinstance(leaving.code, int) else exitcodes.BAD_INPUT
    if args.command == "check":
        return command_check(args)
    if args.command == "demo":
        return command_demo(args)
    parser.print_help()
    return exitcodes.BAD_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
