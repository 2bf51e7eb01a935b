"""Access levels as BigCommerce's control panel names them.

The data stores levels as lowercase keys; people read the labels. Keeping the
mapping here means the docs, the terminal report and the JSON report agree.
"""

LEVEL_LABELS: dict[str, str] = {
    "none": "None",
    "read-only": "Read-only",
    "modify": "Modify",
    "login": "Login",
    "create": "Create",
    "manage": "Manage",
    "standard": "Standard",
    "full": "Full",
}


def level_label(level: str | None) -> str:
    """Return the control-panel word for a level key ("?" when unknown)."""
    if level is None:
        return "?"
    return LEVEL_LABELS.get(level, level)
