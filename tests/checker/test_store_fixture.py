"""The harness's never-mutate policy: the `store` fixture fails a test whose requests would
have changed data, unless the test is marked `expect_mutations`.

The policy lives in tests/support/fixtures.py, not in the shipped fake store; these tests
run real pytest sessions (pytester) with that plugin, one test that writes and one that
does not, so the policy is seen to fail and to pass.
"""

from __future__ import annotations

import pytest

WRITING_TESTS = '''
import pytest
import requests
from support.store import EXACT_TOKEN, STORE_HASH

from bc_scopes.fakestore.faults import Fault, FaultKind


def write(store):
    store.add_fault(Fault(FaultKind.ACCEPT_WRITES))
    answer = requests.put(f"{store.url}/stores/{STORE_HASH}/v2/orders/999999999", data="{}",
                          headers={"X-Auth-Token": EXACT_TOKEN}, timeout=5)
    assert answer.status_code == 200


def test_unmarked_write(store):
    write(store)


@pytest.mark.expect_mutations
def test_marked_write(store):
    write(store)


def test_only_reads(store):
    requests.get(f"{store.url}/stores/{STORE_HASH}/v2/time", timeout=5)
'''


def test_a_write_fails_an_unmarked_test_and_passes_a_marked_one(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_writes=WRITING_TESTS)
    result = pytester.runpytest("-p", "support.fixtures", "-p", "no:cacheprovider",
                                "-p", "no:randomly", "-n", "0")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_unmarked_write*"])
    changed = "requests that would have changed data: [('PUT', '/v2/orders/999999999', 200)]"
    assert changed in result.stdout.str()
