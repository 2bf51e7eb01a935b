"""check-many's files, written as each store ends: --jsonl, then --json, JUnit and the summary.

One JSON line per store goes to the JSONL stream the moment the store ends
(`--jsonl FILE`, or a temporary file). The final JSON document, the JUnit XML
and the step summary's table are assembled from streams on disk at the end,
never from reports held in memory, so a run of 2,000 stores needs no more
memory than a run of 200.
"""

from __future__ import annotations

import json
import tempfile
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from bc_scopes.checker.batch_results import BatchSummary, StoreOutcome
from bc_scopes.checker.formats import json as json_format
from bc_scopes.checker.formats import junit, markdown
from bc_scopes.checker.outputs import OutputFiles


class StreamedOutputs:
    """A BatchSink that streams every store's outcome to disk as it ends."""

    def __init__(self, files: OutputFiles, jsonl: IO[str] | None) -> None:
        self._files = files
        self._jsonl = jsonl if jsonl is not None else (
            tempfile.TemporaryFile("w+", encoding="utf-8") if files.json is not None else None
        )
        self._junit = tempfile.TemporaryFile("w+", encoding="utf-8") if files.junit else None
        self._markdown = (
            tempfile.TemporaryFile("w+", encoding="utf-8") if files.step_summary else None
        )
        self._junit_counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}

    def store_done(self, outcome: StoreOutcome) -> None:
        if self._jsonl is not None:
            self._jsonl.write(json.dumps(json_format.store(outcome)) + "\n")
            self._jsonl.flush()
        if self._junit is not None:
            suite = junit.store(outcome)
            for key in self._junit_counts:
                self._junit_counts[key] += int(getattr(suite, key) or 0)
            self._junit.write(junit.suite_xml(suite))
        if self._markdown is not None:
            self._markdown.write(markdown.store(outcome) + "\n")

    def finish(self, summary: BatchSummary, meta: dict[str, Any], safety: dict[str, Any] | None,
               safety_xml: str) -> None:
        """Assemble the final files from the streams, then close the temporary ones."""
        if self._files.json is not None and self._jsonl is not None:
            handle = self._files.json
            handle.seek(0)
            handle.truncate()
            head = {**meta, "safety_stop": safety}
            handle.write(json.dumps(head)[:-1] + ', "stores": [')
            self._jsonl.seek(0)
            for number, line in enumerate(self._jsonl):
                handle.write(("," if number else "") + "\n  " + line.rstrip("\n"))
            tail = json_format.batch(summary)
            handle.write("\n], " + json.dumps(tail)[1:] + "\n")
        if self._files.junit is not None and self._junit is not None:
            counts = dict(self._junit_counts)
            if safety_xml:
                counts["tests"] += 1
                counts["errors"] += 1
            handle = self._files.junit
            handle.seek(0)
            handle.truncate()
            attributes = " ".join(f"{key}={quoteattr(str(value))}" for key, value in
                                  {"name": "bc-scopes", **counts}.items())
            handle.write(f'<?xml version="1.0" encoding="utf-8"?>\n<testsuites {attributes}>')
            handle.write(safety_xml)
            self._junit.seek(0)
            for line in self._junit:
                handle.write(line)
            handle.write("</testsuites>\n")
        if self._files.step_summary is not None and self._markdown is not None:
            self._files.step_summary.write(markdown.batch(summary, meta["table_version"]))
            self._markdown.seek(0)
            for line in self._markdown:
                self._files.step_summary.write(line)
            self._files.step_summary.write("\n")
        for stream in (self._jsonl, self._junit, self._markdown):
            if stream is not None:
                stream.close()


__all__ = ["StreamedOutputs"]
