"""bc-scopes command line (work in progress)."""


def main() -> int:
    return 0
