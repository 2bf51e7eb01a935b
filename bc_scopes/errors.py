"""One base class for every input the checker refuses before it sends anything.

Like sigstore-python's `errors.Error`: the fronts catch `BadInput` once and
print its one-line message with exit 2, whatever refused the input (a file,
an option, the scope table, a stores file). Kept free of imports.
"""


class BadInput(ValueError):
    """Input the checker cannot use. The message is one line and holds no secret."""


def one_line(text: str) -> str:
    """Any text folded onto one line: a YAML error or an option's message can span two."""
    return " ".join(text.split())
