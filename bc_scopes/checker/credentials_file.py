"""Read the .txt file BigCommerce downloads when a store-level API account is saved.

The file holds every value a merchant would otherwise copy by hand, one per line as
`LABEL: value`. Its layout is not documented. The public evidence (a BigCommerce
writer's unmerged draft, bigcommerce/dev-docs PR #1405 branch, and other public copies)
shows the labels ACCESS TOKEN, CLIENT NAME, API PATH, CLIENT ID and CLIENT SECRET, in
more than one order and letter case, and one copy with both CLIENT NAME and NAME. So:

- labels match in any letter case and any order; CLIENT NAME and NAME are one field;
- unknown labels are ignored (a newer file may add some);
- the store hash comes from the API PATH;
- the file is read under the same cap as every credential file (`read_at_most`);
- no value is ever echoed: every message names the file and a label, never a value.

Pure apart from the one read. The values come back as `Secret`s; their shape is checked
by `inputs.py` like any other credential.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bc_scopes.checker.secrets import RedactedText, Secret, read_secret_text
from bc_scopes.errors import BadInput

MAX_CREDENTIALS_FILE_BYTES = 4096  # the cap of every credential file (inputs.py)
# A label: letters and spaces, before the line's first colon. Only the label is ever
# matched, so no match object in a traceback's locals holds a value.
_LABEL = re.compile(r"^[A-Za-z][A-Za-z ]*$")
_FIELDS = {
    "access token": "access_token",
    "client id": "client_id",
    "client secret": "client_secret",
    "api path": "api_path",
    "client name": "client_name",
    "name": "client_name",
}


class CredentialsFileError(BadInput):
    """A credentials file that cannot be used. One line, naming labels only, never values."""


@dataclass(frozen=True)
class Credentials:
    """What the file held. The API path and name are not secret but are kept hidden too:
    nothing in this object prints a value."""

    access_token: Secret
    client_id: Secret | None = None
    client_secret: Secret | None = None
    api_path: Secret | None = None
    client_name: Secret | None = None


def parse_credentials_text(text: str, source: str) -> Credentials:
    """The values of a credentials file's text (any label order and case; CRLF or LF)."""
    text = RedactedText(text)  # rebinding the argument hides the caller's plain copy here
    found: dict[str, str] = {}
    # Every line and value stays RedactedText: a traceback shown with its locals
    # (`pytest -l`, a crash report) prints none of them.
    for line in map(RedactedText, text.splitlines()):
        label = line.partition(":")[0].strip()
        if ":" not in line or not _LABEL.match(label):
            continue
        field = _FIELDS.get(" ".join(label.lower().split()))
        value = RedactedText(line.partition(":")[2].strip())
        if field is None or not value:
            continue
        if field in found and found[field] != value:
            label = field.replace("_", " ").upper()
            raise CredentialsFileError(
                f"{source} holds two different {label} values; keep the file as BigCommerce "
                "downloaded it"
            )
        found[field] = value
    if "access_token" not in found:
        raise CredentialsFileError(
            f"{source} has no ACCESS TOKEN line; use the .txt file BigCommerce downloaded when "
            "the API account was saved"
        )
    secrets = {field: Secret(value) for field, value in found.items()}
    return Credentials(**secrets)


def read_credentials_file(path: str) -> Credentials:
    """Read and parse the file, under the credential-file size cap."""
    text = read_secret_text(path, MAX_CREDENTIALS_FILE_BYTES, "credentials",
                            "BigCommerce's credentials .txt file is far smaller",
                            CredentialsFileError)
    return parse_credentials_text(text, f"the credentials file {path}")
