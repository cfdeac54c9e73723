"""Audit log cost, as ratios measured in one run.

- append: locked, fsynced, hash-chained appends vs plain unlocked appends of the same JSON
  lines without fsync (the price of durability and tamper evidence per command);
- verify: `audit verify` vs merely parsing every line with json.loads (the price of checking
  canonical form, hashes and the chain).

Usage: .venv/bin/python benchmarks/bench_audit.py [--records N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from dsm_clinic.governance.audit import AuditLog


def _record(i: int) -> dict:
    return {"command": "deid run", "user": "mrossi", "host": "gpu01", "time": "2026-11-21T10:00:00Z",
            "options": {"input": f"raw/batch-{i}.jsonl", "mode": "surrogate", "workers": 2},
            "inputs": [{"path": f"raw/batch-{i}.jsonl", "sha256": "ab" * 32, "records": 1000}],
            "outputs": [{"path": f"deid/batch-{i}.jsonl", "sha256": "cd" * 32, "records": 998}],
            "policy": {"id": "dsm-strict", "version": "2026.11.1", "sha256": "ef" * 32},
            "decision": {"allowed": True, "reasons": ["allowed"]},
            "outcome": {"status": "ok", "code": None, "exit_code": 0}, "duration_s": 12.5}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=2000)
    args = ap.parse_args()
    n = args.records
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        log = AuditLog(root / "audit.jsonl", key=b"k" * 32)
        log.create()
        t0 = time.perf_counter()
        for i in range(n):
            log.append(_record(i))
        audited = time.perf_counter() - t0

        plain = root / "plain.jsonl"
        t0 = time.perf_counter()
        for i in range(n):
            with open(plain, "a") as fh:
                fh.write(json.dumps(_record(i)) + "\n")
        baseline = time.perf_counter() - t0

        t0 = time.perf_counter()
        result = log.verify()
        verify_s = time.perf_counter() - t0
        assert result.ok and result.records == n
        t0 = time.perf_counter()
        with open(log.path, "rb") as fh:
            parsed = sum(1 for line in fh if json.loads(line))
        parse_s = time.perf_counter() - t0
        assert parsed == n

    print(f"records: {n} (HMAC on)")
    print(f"append   audited {n / audited:10,.0f} rec/s   plain {n / baseline:10,.0f} rec/s   "
          f"ratio {audited / baseline:6.1f}x slower")
    print(f"verify   audited {n / verify_s:10,.0f} rec/s   json.loads {n / parse_s:10,.0f} rec/s   "
          f"ratio {verify_s / parse_s:6.1f}x slower")


if __name__ == "__main__":
    main()
