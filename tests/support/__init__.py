"""The one test harness every test folder shares (typed, and checked by mypy).

- `docs`: the repository's paths (`REPO_ROOT`, one definition, from tools/project.py),
  copies of the docs project and real strict builds;
- `cli`: the one way to run `bc-scopes` (in-process `run_cli` and `run_check`, or a real
  process to interrupt);
- `scenarios`: the fault scenarios, each run once per session through `cli.run_check`;
- `fixtures`: the fake store, the table, the trap and `check_cli`, with the never-mutate
  policy (`@pytest.mark.expect_mutations`);
- `store`, `canaries`, `trap`, `truth`, `shared`: test identities, secrets to search for,
  a listener that must never be reached, the expected verdicts, and session-wide caches.

No test folder imports from another; they all import from here.
"""
