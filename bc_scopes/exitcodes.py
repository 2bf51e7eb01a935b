"""The checker's exit codes: one definition for --help, the report and the guide.

Kept free of imports so that `bc-scopes --help` starts fast.
"""

OK = 0
FAILED = 1
BAD_INPUT = 2
REJECTED = 3
INCOMPLETE = 4
INTERRUPTED = 130  # Ctrl-C: the shell's convention (128 + SIGINT)

MEANINGS: dict[int, str] = {
    OK: "every verifiable row is ok; excess rows are warnings",
    FAILED: "a row is missing, a must-stay-None row is held, or (under --strict) a row is excess",
    BAD_INPUT: "bad input (malformed store hash, empty token, unreadable file); nothing was sent",
    REJECTED: "credentials or store rejected (401, or a store hash the API does not know)",
    INCOMPLETE: "the check could not be completed (some row unknown and none missing)",
    INTERRUPTED: "interrupted (Ctrl-C); no request was sent after it",
}
