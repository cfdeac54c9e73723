"""The hash-chained audit log: appends, tamper detection, concurrency."""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsm_clinic.governance.audit import AuditLog, canonical, new_key_file, read_key, record_hash


def _filled(path: Path, n: int = 6, key: bytes | None = None) -> AuditLog:
    log = AuditLog(path, key=key)
    log.create()
    for i in range(n):
        log.append({"command": f"cmd {i}", "user": "u", "options": {"i": i}})
    return log


def _lines(log: AuditLog) -> list[str]:
    return log.path.read_text().splitlines(keepends=True)


def _write(log: AuditLog, lines: list[str]) -> None:
    log.path.write_text("".join(lines))


def test_appended_records_chain_and_verify(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    recs = [json.loads(x) for x in _lines(log)]
    assert [r["seq"] for r in recs] == [1, 2, 3, 4, 5, 6]
    assert recs[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(recs, recs[1:], strict=False))
    assert all(record_hash(r) == r["hash"] for r in recs)
    assert log.read_head() == {"seq": 6, "hash": recs[-1]["hash"]}
    result = log.verify()
    assert result.ok and result.records == 6 and result.last_seq == 6


def test_modified_record_is_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    lines = _lines(log)
    rec = json.loads(lines[2])
    rec["user"] = "someone-else"
    lines[2] = canonical(rec) + "\n"
    _write(log, lines)
    problem = log.verify().problem
    assert (problem.kind, problem.line, problem.seq) == ("modified", 3, 3)


def test_modified_and_rehashed_record_breaks_the_chain(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    lines = _lines(log)
    rec = json.loads(lines[2])
    rec["outcome"] = "ok"
    rec["hash"] = record_hash(rec)
    lines[2] = canonical(rec) + "\n"
    _write(log, lines)
    problem = log.verify().problem
    # the forged record is self-consistent, but the next one links to the original version
    assert (problem.kind, problem.line, problem.seq) == ("modified", 3, 3)


def test_deleted_record_is_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    lines = _lines(log)
    del lines[3]
    _write(log, lines)
    problem = log.verify().problem
    assert (problem.kind, problem.line, problem.seq) == ("deleted", 4, 5)
    assert "seq 4" in problem.detail


def test_deleted_first_record_is_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    _write(log, _lines(log)[1:])
    problem = log.verify().problem
    assert (problem.kind, problem.line) == ("deleted", 1)


def test_reordered_records_are_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    lines = _lines(log)
    lines[2], lines[3] = lines[3], lines[2]
    _write(log, lines)
    problem = log.verify().problem
    assert (problem.kind, problem.line, problem.seq) == ("reordered", 3, 4)


def test_inserted_record_is_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    lines = _lines(log)
    genuine = json.loads(lines[1])
    fake = {k: v for k, v in genuine.items() if k != "hash"}
    fake["command"] = "export onnx"
    fake["hash"] = record_hash(fake)
    lines.insert(2, canonical(fake) + "\n")
    _write(log, lines)
    problem = log.verify().problem
    assert problem.kind == "inserted" and problem.line in (2, 3)


def test_inserted_record_with_a_new_seq_is_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    lines = _lines(log)
    fake = {"seq": 99, "prev_hash": "ab" * 32, "command": "train classifier", "user": "x"}
    fake["hash"] = record_hash(fake)
    lines.insert(2, canonical(fake) + "\n")
    _write(log, lines)
    problem = log.verify().problem
    assert (problem.kind, problem.line, problem.seq) == ("inserted", 3, 99)


def test_truncated_log_is_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    _write(log, _lines(log)[:4])
    problem = log.verify().problem
    assert problem.kind == "truncated" and "5..6" in problem.detail


def test_append_after_truncation_keeps_the_gap_visible(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    _write(log, _lines(log)[:4])
    log.append({"command": "audit verify"})
    problem = log.verify().problem
    assert problem.kind == "deleted" and problem.seq == 7


def test_missing_head_is_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    log.head_path.unlink()
    assert log.verify().problem.kind == "head"


def test_bad_hmac_is_reported(tmp_path):
    key = read_key(new_key_file(tmp_path / "k"))
    log = _filled(tmp_path / "audit.jsonl", key=key)
    assert log.verify().ok and log.verify().hmac_checked
    lines = _lines(log)
    rec = json.loads(lines[2])
    rec["user"] = "mallory"
    rec["hash"] = record_hash(rec)
    rec["hmac"] = "0" * 64
    lines[2] = canonical(rec) + "\n"
    _write(log, lines)
    problem = log.verify().problem
    assert (problem.kind, problem.line) == ("bad_hmac", 3)


def test_record_signed_with_another_key_is_reported(tmp_path):
    log = _filled(tmp_path / "audit.jsonl", key=b"k" * 32)
    checker = AuditLog(log.path, key=b"z" * 32)
    assert checker.verify().problem.kind == "bad_hmac"


def test_short_key_is_refused(tmp_path):
    (tmp_path / "k").write_text("short")
    with pytest.raises(Exception) as info:
        read_key(tmp_path / "k")
    assert getattr(info.value, "code", None) == "E204"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_one_byte_edit_fails_verification(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("log") / "audit.jsonl"
    log = _filled(path, n=4)
    raw = bytearray(path.read_bytes())
    pos = data.draw(st.integers(0, len(raw) - 1))
    new = data.draw(st.integers(0, 255).filter(lambda b: b != raw[pos]))
    raw[pos] = new
    path.write_bytes(bytes(raw))
    assert not log.verify().ok


def _appender(path: str, worker: int, n: int) -> None:
    log = AuditLog(path)
    for i in range(n):
        log.append({"command": "test", "worker": worker, "i": i})


def test_concurrent_appends_lose_nothing(tmp_path):
    path = tmp_path / "audit.jsonl"
    AuditLog(path).create()
    workers, per = 4, 50
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_appender, args=(str(path), w, per)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    log = AuditLog(path)
    result = log.verify()
    assert result.ok, result.problem
    assert result.records == workers * per
    seen = {(r["worker"], r["i"]) for r in log.records()}
    assert seen == {(w, i) for w in range(workers) for i in range(per)}


def test_anchor_catches_a_tail_cut_with_a_rewritten_head(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    anchor = log.read_head()  # the DPO's off-site copy
    lines = _lines(log)
    _write(log, lines[:4])
    last = json.loads(lines[3])
    log.head_path.write_text(canonical({"seq": last["seq"], "hash": last["hash"]}) + "\n")
    assert log.verify().ok  # without the anchor, a clean cut plus a forged head is invisible
    problem = log.verify(anchor=anchor).problem
    assert problem.kind == "truncated" and "seq 6" in problem.detail


def test_anchor_catches_a_rewritten_history(tmp_path):
    log = _filled(tmp_path / "audit.jsonl")
    anchor = {"seq": 3, "hash": json.loads(_lines(log)[2])["hash"]}
    forged = AuditLog(tmp_path / "forged.jsonl")
    forged.create()
    for i in range(6):
        forged.append({"command": f"other {i}", "user": "u", "options": {"i": i}})
    assert forged.verify().ok
    problem = forged.verify(anchor=anchor).problem
    assert (problem.kind, problem.seq) == ("modified", 3)
    assert log.verify(anchor=anchor).ok
