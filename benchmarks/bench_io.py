"""Speed of the JSONL reader/writer against a plain json.loads loop over the same file.

    .venv/bin/python benchmarks/bench_io.py [--records 50000] [--repeat 4]

Both sides run in the same process on the same file, alternately; each timing is the best of
--repeat, in process CPU time (user + system), which other jobs on a shared machine disturb far
less than wall-clock time; on an idle machine the two agree for this single-threaded work.
The overhead factor is (our time / plain time): 1.0 means the checks, rejects bookkeeping and
atomic writes cost nothing. "read" is a text-mode loop (`for line in open(path)`), the usual
plain code; "read(bytes)" splits binary lines as our reader does, the stricter comparison. CSV and Parquet round trips are timed too, for scale.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dsm_clinic.io.records import open_reader, open_writer  # noqa: E402

WORDS = ("paziente dispnea asma bpco tosse febbre torace rx negativo terapia salbutamolo "
         "controllo ambulatoriale anamnesi familiare riferisce episodi notturni spirometria "
         "ostruzione reversibile dimesso condizioni stabili è più già perché").split()


def make_notes(path: Path, n: int, seed: int = 0) -> int:
    """Write `n` synthetic notes (about 700 characters of text each); return the byte size."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(90))
            rec = {"id": f"N{i:07d}", "text": text, "date": f"2024-{1 + i % 12:02d}-15",
                   "labels": {"asma": i % 2, "bpco": i % 3 == 0}, "reparto": "pneumologia"}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path.stat().st_size


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def compare(plain, ours, repeat: int) -> tuple[float, float]:
    """Best times of `plain` and `ours`, run alternately so that load from other processes
    on a shared machine falls on both alike."""
    t_plain, t_ours = [], []
    for _ in range(repeat):
        t_plain.append(best(plain, 1))
        t_ours.append(best(ours, 1))
    return min(t_plain), min(t_ours)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=4)
    args = ap.parse_args()
    n = args.records

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        src = d / "notes.jsonl"
        size = make_notes(src, n)

        def plain_read():
            with open(src, encoding="utf-8") as fh:
                for line in fh:
                    json.loads(line)

        def plain_read_bytes():  # binary lines, as our reader splits them
            with open(src, "rb") as fh:
                for line in fh:
                    json.loads(line)

        def plain_read_write():
            with open(src, encoding="utf-8") as fh, open(d / "plain.jsonl", "w",
                                                         encoding="utf-8") as out:
                for line in fh:
                    out.write(json.dumps(json.loads(line), ensure_ascii=False) + "\n")

        def ours_read():
            with open_reader(src, rejects=d / "rej.jsonl") as reader:
                for _ in reader:
                    pass
            assert reader.counts.read == n and reader.counts.rejected == 0

        def ours_read_write(out_name: str = "ours.jsonl"):
            with open_reader(src, rejects=d / "rej.jsonl") as reader, \
                    open_writer(d / out_name) as writer:
                for record in reader:
                    writer.write(record)
            reader.counts.with_written(writer.count).check()

        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rows = [
            ("read", *compare(plain_read, ours_read, args.repeat)),
            ("read(bytes)", *compare(plain_read_bytes, ours_read, args.repeat)),
            ("read+write", *compare(plain_read_write, ours_read_write, args.repeat)),
        ]
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        print(f"{n} records, {size / 1e6:.1f} MB JSONL, best of {args.repeat}, CPU time")
        print(f"{'':12}{'plain rec/s':>14}{'dsm-clinic rec/s':>18}{'overhead':>10}")
        for name, plain, ours in rows:
            print(f"{name:12}{n / plain:>14,.0f}{n / ours:>18,.0f}{ours / plain:>9.2f}x")
        for fmt in ("csv", "parquet"):
            t_write = best(lambda f=fmt: ours_read_write(f"ours.{f}"), 1)
            t_read = best(lambda f=fmt: list(open_reader(d / f"ours.{f}", rejects=None)), 1)
            print(f"{fmt:12} jsonl->{fmt} {n / t_write:,.0f} rec/s, read {n / t_read:,.0f} rec/s")
        print(f"peak RSS growth while streaming JSONL: {(rss1 - rss0) / 1024:.1f} MB "
              f"(file {size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
