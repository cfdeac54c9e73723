"""Checkpointed record output for long runs: stop anywhere, continue with --resume.

Records are written to JSONL part files in a hidden folder; every `every` input records the
open part is committed (atomic rename) and `state.json` is rewritten atomically with how many
input records are done, which of them a stage rejected, and the stage's own totals. A resumed
run checks that the input and options are the same (the fingerprint), skips the records that
are done and appends new parts. At the end the parts are streamed into the final output.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

from dsm_clinic.errors import error
from dsm_clinic.io.atomic import atomic_write_json
from dsm_clinic.io.records import RecordWriter, open_writer

STATE = "state.json"


class PartStore:
    """The parts and state of one checkpointed run, in `folder`."""

    def __init__(self, folder: Path, fingerprint: dict, every: int, state: dict | None = None):
        self.folder = folder
        self.fingerprint = fingerprint
        self.every = every
        state = state or {"fingerprint": fingerprint, "done": 0, "parts": [], "failed": {},
                          "totals": {}}
        self.done: int = state["done"]
        self.parts: list[dict] = state["parts"]
        self.failed: dict[str, str] = state["failed"]
        self.totals: dict = state["totals"]
        self._writer: RecordWriter | None = None
        self._since_commit = 0

    @classmethod
    def open(cls, folder: str | Path, *, fingerprint: dict, every: int, resume: bool) -> PartStore:
        """Start a checkpointed run in `folder`, or continue one with `resume`.

        Raises E310 when `resume` is asked and there is nothing to resume or the input or
        options changed, E311 when an interrupted run is there and `resume` is not asked."""
        folder = Path(folder)
        state_file = folder / STATE
        if state_file.is_file():
            state = json.loads(state_file.read_text(encoding="utf-8"))
            if not resume:
                raise error("E311", path=folder.parent, done=state.get("done", 0))
            if state.get("fingerprint") != fingerprint:
                changed = sorted(k for k in set(fingerprint) | set(state.get("fingerprint", {}))
                                 if fingerprint.get(k) != state.get("fingerprint", {}).get(k))
                raise error("E310", path=folder.parent,
                            detail=f"the input or options changed since the interrupted run "
                                   f"({', '.join(changed)})")
            return cls(folder, fingerprint, every, state)
        if resume:
            raise error("E310", path=folder.parent, detail="there is no interrupted run to resume")
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder, fingerprint, every)

    def is_done(self, index: int) -> bool:
        """True for the input records (0-based, in order) an earlier run already handled."""
        return index < self.done

    def failure(self, index: int) -> str | None:
        """The error code an earlier run rejected record `index` with, if it did."""
        return self.failed.get(str(index))

    def write(self, record: dict) -> None:
        if self._writer is None:
            self._writer = open_writer(self.folder / f"part-{len(self.parts):06d}.jsonl")
        self._writer.write(record)

    def record_failure(self, index: int, code: str) -> None:
        self.failed[str(index)] = code

    def advance(self, totals: dict) -> None:
        """One more input record handled; commit every `every` records."""
        self.done += 1
        self._since_commit += 1
        if self._since_commit >= self.every:
            self.commit(totals)

    def commit(self, totals: dict) -> None:
        """Make everything handled so far durable."""
        if self._writer is not None:
            self._writer.close()
            self.parts.append({"file": self._writer.path.name, "records": self._writer.count})
            self._writer = None
        self.totals = totals
        self._since_commit = 0
        atomic_write_json(self.folder / STATE, {
            "fingerprint": self.fingerprint, "done": self.done, "parts": self.parts,
            "failed": self.failed, "totals": totals})

    @property
    def written(self) -> int:
        return sum(p["records"] for p in self.parts)

    def records(self) -> Iterator[dict]:
        """Every committed record, in input order."""
        for part in self.parts:
            with open(self.folder / part["file"], encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line)

    def abort(self) -> None:
        """Drop the uncommitted part (an interrupted run keeps only what was committed)."""
        if self._writer is not None:
            self._writer.abort()
            self._writer = None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
