"""The report's formats, each in its own module with its own wording (pip-audit's `_format/`).

- `text`: the terminal report, verdict first; `report(r)` and `batch(summary, not_ready)`.
- `json`: `--json` and `--jsonl`; `report(r)`, `store(outcome)` and `batch(summary)`.
- `markdown`: the GitHub step summary; `report(r)`, `store(outcome)` and `batch(...)`.
- `junit`: JUnit XML through junitparser; `report(r)`, `store(outcome)`, `document(...)`.
- `wording`: the sentences they share (the verdict line, fixes, the safety sentence).
"""
