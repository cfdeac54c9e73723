"""The hash-chained, append-only audit log.

One JSON object per line, written in canonical form (sorted keys, no spaces, ASCII), so that
a record's bytes are a pure function of its content and any edit of any byte is detectable.
Each record carries `prev_hash` (the previous record's hash) and `hash` (sha256 of the
canonical record without `hash` and `hmac`); with a key, `hmac` is HMAC-SHA256 over `hash`.
The head file holds the last seq and hash: cutting records off the end of the log leaves the
head ahead of the log, which `verify` reports as truncation.

Appends take an exclusive lock, append one line, fsync, then replace the head atomically.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac as hmac_mod
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dsm_clinic.errors import error
from dsm_clinic.io.atomic import atomic_write_text, fsync_dir

GENESIS = "0" * 64
MIN_KEY_BYTES = 32


def canonical(obj: dict) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def record_hash(record: dict) -> str:
    body = {k: v for k, v in record.items() if k not in ("hash", "hmac")}
    return hashlib.sha256(canonical(body).encode("ascii")).hexdigest()


def record_hmac(key: bytes, digest: str) -> str:
    return hmac_mod.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()


def read_key(path: str | Path) -> bytes:
    """Read an HMAC key file; raise E204 when it is missing or too short."""
    try:
        key = Path(path).read_bytes().strip()
    except OSError as exc:
        raise error("E204", detail=f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(key) < MIN_KEY_BYTES:
        raise error("E204", detail=f"{path} holds {len(key)} bytes, fewer than {MIN_KEY_BYTES}")
    return key


def new_key_file(path: str | Path) -> Path:
    """Create a random 64-hex-character key file readable by its owner only."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(os.urandom(32).hex() + "\n")
    return p


@dataclass
class Problem:
    kind: str  # modified | deleted | reordered | inserted | truncated | bad_hmac | head
    line: int | None
    seq: int | None
    detail: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "line": self.line, "seq": self.seq, "detail": self.detail}

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "head file"
        seq = f" (seq {self.seq})" if self.seq is not None else ""
        return f"{self.kind}: {where}{seq}: {self.detail}"


@dataclass
class VerifyResult:
    ok: bool
    records: int
    last_seq: int
    hmac_checked: bool
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "records": self.records, "last_seq": self.last_seq,
                "hmac_checked": self.hmac_checked,
                "problem": self.problem.to_dict() if self.problem else None, "notes": self.notes}


class AuditLog:
    """An audit log file, its head file and its lock file."""

    def __init__(self, path: str | Path, key: bytes | None = None):
        self.path = Path(path)
        self.head_path = self.path.with_name(self.path.name + ".head")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.key = key

    # ---------------------------------------------------------------- writing
    def create(self) -> None:
        """Create an empty log and its head (seq 0, genesis hash)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if not self.path.exists():
                self.path.touch()
            if not self.head_path.exists():
                self._write_head(0, GENESIS)

    def append(self, fields: dict) -> dict:
        """Append one record made of `fields`; return it with seq, prev_hash, hash (and hmac).

        The chain continues from the head file, which is the authority on the tip: if records
        were cut off the log, the new record's seq leaves a visible gap instead of hiding it.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            seq, prev, note = self._tip()
            record = {k: v for k, v in fields.items() if k not in ("seq", "prev_hash", "hash", "hmac")}
            record["seq"] = seq + 1
            record["prev_hash"] = prev
            if note:
                record["chain_note"] = note
            record["hash"] = record_hash(record)
            if self.key is not None:
                record["hmac"] = record_hmac(self.key, record["hash"])
            line = (canonical(record) + "\n").encode("ascii")
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._write_head(record["seq"], record["hash"])
        return record

    def _tip(self) -> tuple[int, str, str | None]:
        head = self.read_head()
        if head is not None:
            return head["seq"], head["hash"], None
        last = self._last_line()
        if last is None:
            return 0, GENESIS, None
        try:
            rec = json.loads(last)
            return int(rec["seq"]), str(rec["hash"]), "head file was missing at append"
        except (ValueError, KeyError, TypeError):
            return 0, GENESIS, "head file was missing and the last record unreadable at append"

    def _last_line(self) -> bytes | None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return None
        if size == 0:
            return None
        with open(self.path, "rb") as fh:
            block = 1 << 16
            pos, buf = size, b""
            while pos > 0:
                step = min(block, pos)
                pos -= step
                fh.seek(pos)
                buf = fh.read(step) + buf
                lines = buf.rstrip(b"\n").split(b"\n")
                if len(lines) > 1 or pos == 0:
                    return lines[-1]
        return None

    def _write_head(self, seq: int, digest: str) -> None:
        atomic_write_text(self.head_path, canonical({"seq": seq, "hash": digest}) + "\n")
        fsync_dir(self.head_path.parent)

    class _Lock:
        def __init__(self, path: Path):
            self.path = path

        def __enter__(self):
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o640)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            return self

        def __exit__(self, *exc):
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)

    def _locked(self) -> AuditLog._Lock:
        return AuditLog._Lock(self.lock_path)

    # ---------------------------------------------------------------- reading
    @staticmethod
    def read_anchor(path: str | Path) -> dict:
        """Read a copied head file; raise E207 when it is not one."""
        try:
            head = json.loads(Path(path).read_text(encoding="ascii"))
            return {"seq": int(head["seq"]), "hash": str(head["hash"])}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise error("E207", path=path, detail=exc.__class__.__name__) from exc

    def read_head(self) -> dict | None:
        try:
            head = json.loads(self.head_path.read_text(encoding="ascii"))
            return {"seq": int(head["seq"]), "hash": str(head["hash"])}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def records(self) -> Iterator[dict]:
        """Yield parseable records in file order (for show/report; verify is stricter)."""
        if not self.path.exists():
            return
        with open(self.path, "rb") as fh:
            for raw in fh:
                try:
                    yield json.loads(raw)
                except ValueError:
                    continue

    # ---------------------------------------------------------------- verifying
    def _lines(self) -> Iterator[tuple[int, bytes, dict | None]]:
        """(line number, raw bytes without the newline, parsed record or None), streamed."""
        if not self.path.exists():
            return
        with open(self.path, "rb") as fh:
            for i, raw in enumerate(fh, start=1):
                body = raw[:-1] if raw.endswith(b"\n") else raw
                try:
                    rec = json.loads(body.decode("ascii"))
                except (ValueError, UnicodeDecodeError):
                    rec = None
                yield i, body, rec if isinstance(rec, dict) else None

    def verify(self, anchor: dict | None = None) -> VerifyResult:
        """Check every record, the chain and the head; report the first problem found.

        `anchor` is an earlier head ({"seq", "hash"}) kept off this machine: the log must still
        hold that record unchanged, which catches a tail cut together with a rewritten head.
        Streams the log in constant memory; only when something is wrong is it read a second
        time, to tell a deletion from a reordering or an insertion."""
        prev_seq, prev_hash, n = 0, GENESIS, 0
        for i, raw, rec in self._lines():
            n = i
            if rec is None:
                return self._fail(i, None, "modified", "the line is not a valid JSON record", i - 1)
            seq = rec.get("seq")
            if not isinstance(seq, int) or canonical(rec).encode("ascii") != raw:
                return self._fail(i, seq, "modified", "the line is not the record's canonical form "
                                  "(its bytes were edited)", i - 1)
            if record_hash(rec) != rec.get("hash"):
                return self._fail(i, seq, "modified", "content does not match its hash", i - 1)
            if self.key is not None:
                if "hmac" not in rec:
                    return self._fail(i, seq, "bad_hmac", "record carries no HMAC", i - 1)
                if not hmac_mod.compare_digest(record_hmac(self.key, rec["hash"]), str(rec["hmac"])):
                    return self._fail(i, seq, "bad_hmac", "HMAC does not match (forged or re-hashed)", i - 1)
            if seq == prev_seq + 1 and rec.get("prev_hash") == prev_hash:
                prev_seq, prev_hash = seq, rec["hash"]
                if anchor is not None and seq == anchor["seq"] and rec["hash"] != anchor["hash"]:
                    return self._fail(i, seq, "modified", "this record differs from the one the "
                                      "anchor recorded: the log was rewritten from here", i - 1)
                continue
            return self._chain_problem(i, rec, prev_seq)
        if self.path.exists() and self.path.stat().st_size and not self._ends_with_newline():
            return self._fail(n, None, "modified", "the last line is not terminated by a newline", n - 1)
        if anchor is not None and anchor["seq"] > prev_seq:
            return self._fail(None, anchor["seq"], "truncated",
                              f"the anchor names seq {anchor['seq']} but the log ends at seq "
                              f"{prev_seq}: records were cut off and the head rewritten", n)
        head = self.read_head()
        if head is None:
            if self.head_path.exists():
                return self._fail(None, None, "head", "head file is unreadable", n)
            return self._fail(None, None, "head", "head file is missing; truncation cannot be ruled out", n)
        if head["seq"] > prev_seq:
            return self._fail(None, head["seq"], "truncated",
                              f"log ends at seq {prev_seq} but the head says {head['seq']}: "
                              f"records seq {prev_seq + 1}..{head['seq']} were cut off", n)
        if head["seq"] < prev_seq:
            return self._fail(n, prev_seq, "inserted",
                              f"records after seq {head['seq']} were appended without updating the head", n)
        if head["hash"] != prev_hash:
            return self._fail(None, head["seq"], "head", "head hash does not match the last record", n)
        return VerifyResult(ok=True, records=n, last_seq=prev_seq, hmac_checked=self.key is not None)

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"

    def _chain_problem(self, i: int, rec: dict, prev_seq: int) -> VerifyResult:
        """Name what broke the chain at line `i`, using what the whole file holds."""
        seq_count: Counter = Counter()
        hash_by_seq: dict = {}
        for _, _, r in self._lines():
            if r is not None:
                seq_count[r.get("seq")] += 1
                hash_by_seq.setdefault(r.get("seq"), r.get("hash"))
        seq, expected = rec["seq"], prev_seq + 1
        genuine = rec.get("prev_hash") == (GENESIS if seq == 1 else hash_by_seq.get(seq - 1))
        if seq_count[seq] > 1:
            kind, detail = "inserted", f"seq {seq} appears {seq_count[seq]} times"
        elif seq == expected and i > 1:
            # A unique, self-consistent record that no longer links to its predecessor:
            # the predecessor was edited and re-hashed (an inserted copy would repeat a seq).
            return self._fail(i - 1, prev_seq, "modified",
                              f"content was changed and re-hashed: seq {seq} links to a "
                              "different version of it", i - 2)
        elif seq == expected:
            kind, detail = "inserted", "the first record does not start the chain"
        elif seq > expected and expected not in seq_count:
            kind = "deleted"
            detail = (f"record seq {expected} is missing" if seq == expected + 1
                      else f"records seq {expected}..{seq - 1} are missing")
        elif genuine:
            kind, detail = "reordered", f"expected seq {expected} here, found seq {seq}"
        else:
            kind, detail = "inserted", f"seq {seq} does not belong to the chain"
        return self._fail(i, seq, kind, detail, i - 1)

    def _fail(self, line, seq, kind, detail, good) -> VerifyResult:
        return VerifyResult(ok=False, records=good, last_seq=0, hmac_checked=self.key is not None,
                            problem=Problem(kind=kind, line=line, seq=seq, detail=detail))
