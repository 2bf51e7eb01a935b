"""Every failure the checker can report, with its fix: one source for two faces.

The checker prints `problem.fix` and links to `problem.anchor` on the guide's
troubleshooting page; the guide renders its sections from the same records.
Anchors are public (support links to them): never rename one.

`symptom` and `cause` appear only on the troubleshooting page, so they may cite that
page's Sources list (`[label](#source-…)`); `fix` is also printed in a terminal, so it
holds no links. Problems met in the control panel, before the checker can run, are
written on the page itself (docs/troubleshooting.md), above these sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from bc_scopes import exitcodes


@dataclass(frozen=True)
class Problem:
    """One thing that can go wrong, as a merchant would recognise it."""

    anchor: str
    title: str
    symptom: str
    cause: str
    fix: str
    exit_code: int


PROBLEMS: tuple[Problem, ...] = (
    Problem(
        anchor="bad-input",
        title="The checker refuses the input",
        symptom="The checker stops before sending anything and names the value it could not use.",
        cause="A store hash, API URL or token was empty, malformed, or still holds a placeholder.",
        fix=(
            "Copy the value again from the API account's page, paste it without quotes, and run "
            "again."
        ),
        exit_code=exitcodes.BAD_INPUT,
    ),
    Problem(
        anchor="invalid-token",
        title="BigCommerce rejects the access token (401)",
        symptom="Every request is answered 401 Unauthorized.",
        cause=(
            "The Access Token is mistyped, belongs to a deleted API account, or is the Client ID "
            "or Client Secret instead."
        ),
        fix=(
            "Paste the Access Token from the credentials file BigCommerce gave you. If it is lost,"
            " create a new store-level API account."
        ),
        exit_code=exitcodes.REJECTED,
    ),
    Problem(
        anchor="wrong-store-hash",
        title="The store hash is wrong (403 or 404 on the first request)",
        symptom="The first, scope-free request is refused, so no scope can be checked.",
        cause=(
            "The store hash does not belong to the token: a `store-` prefix, a storefront domain, "
            "or another store's hash."
        ),
        fix="Copy the hash from the API path: it is the part between /stores/ and /v3/.",
        exit_code=exitcodes.REJECTED,
    ),
    Problem(
        anchor="wrong-token-type",
        title="Every scope is missing",
        symptom="The token is accepted, but every scope row comes back missing.",
        cause=(
            "The API account was created with the Stencil-CLI token type, which is meant for "
            "theme work ([BigCommerce Help Center](#source-kb-accounts)), or every scope was left "
            "at None."
        ),
        fix=(
            "Create a new store-level API account with Token type set to V2/V3 API token and the "
            "scopes in the table."
        ),
        exit_code=exitcodes.FAILED,
    ),
    Problem(
        anchor="missing-scope",
        title="A scope is missing",
        symptom="A row shows `missing`: the token holds less than the guide requires.",
        cause=(
            "The scope was set too low when the API account was created. BigCommerce's "
            "documentation says that the scopes of a store-level API account cannot be changed "
            "once it is saved ([BigCommerce developer docs](#source-d-accounts), "
            "[BigCommerce docs change 1405](#source-pr1405))."
        ),
        fix=(
            "Create a new API account with the required levels and share the new credentials. "
            "Delete the old account only after DropStream works with the new one."
        ),
        exit_code=exitcodes.FAILED,
    ),
    Problem(
        anchor="excess-scope",
        title="A scope is set higher than needed",
        symptom="A row shows `excess`: the token holds more than the guide requires.",
        cause="The scope was set above the required level, often Modify where Read-only is enough.",
        fix=(
            "The integration still works. To follow least privilege, create a new API account with"
            " the required levels and, once DropStream works with it, delete the old one. Rows"
            ' marked "must stay None" on the scopes page are the exception: holding them'
            " fails the check (exit code 1), because they let the account take payments, act as a"
            " shopper or seize other apps' data."
        ),
        exit_code=exitcodes.OK,
    ),
    Problem(
        anchor="unverifiable-scope",
        title="A scope cannot be checked remotely",
        symptom="A row shows `unverifiable`.",
        cause="BigCommerce offers no request that reveals this level without changing the store.",
        fix=(
            "Open the API account in the control panel and confirm the level by eye, as the row's "
            "note says."
        ),
        exit_code=exitcodes.OK,
    ),
    Problem(
        anchor="rate-limited",
        title="The store's rate limit ran out",
        symptom="Rows show `unknown` and the report mentions 429 Too Many Requests.",
        cause="Every app on the store shares one request quota, and other apps used it up.",
        fix="Wait a minute and run the check again, ideally when other integrations are quiet.",
        exit_code=exitcodes.INCOMPLETE,
    ),
    Problem(
        anchor="store-unreachable",
        title="BigCommerce could not be reached or failed",
        symptom="Rows show `unknown` after timeouts, connection errors or 5xx answers.",
        cause="A network problem, store maintenance, or a temporary BigCommerce outage.",
        fix="Check the BigCommerce status page and your connection, then run the check again.",
        exit_code=exitcodes.INCOMPLETE,
    ),
    Problem(
        anchor="unsafe-write",
        title="A write probe succeeded, so the check stopped",
        symptom="The report shows a safety failure and the run stopped at once.",
        cause=(
            "A request built so that it cannot succeed was accepted. The API changed, or the URL "
            "points at something that is not BigCommerce."
        ),
        fix=(
            "Look at that store's data for the request named in the report (the record or setting "
            "its path names) before running anything again, and send the report to DropStream "
            "support so the probe can be fixed."
        ),
        exit_code=exitcodes.SAFETY_STOP,
    ),
)


def problem(anchor: str) -> Problem:
    """Look up a problem by its anchor; a KeyError means a typo in the caller."""
    for entry in PROBLEMS:
        if entry.anchor == anchor:
            return entry
    raise KeyError(anchor)
