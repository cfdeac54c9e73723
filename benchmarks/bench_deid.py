"""Speed of the de-identification analyzer against Presidio's stock Italian analyzer.

    .venv/bin/python benchmarks/bench_deid.py [--notes 200] [--repeat 3] [--seed 424242]
                                              [--no-workers]

Both analyzers run in the same process on the same synthetic notes (dsm_clinic.data.synth,
falling back to the hand-written test notes), alternately; each timing is the best of
--repeat, in process CPU time, which other jobs on a shared machine disturb less than wall
time. The stock analyzer is Presidio's AnalyzerEngine on spacy.blank("it") with only the
recognizers Presidio registers for Italian: it finds far less (its recall is printed too), so
the ratio is the price of the extra recognizers. Ours is timed with and without the NER shipped
in the package (build_analyzer's default), in the same run. Then `deid run`'s runner de-identifies the
same notes (tag mode) with --workers 1 and 2, in wall time (several processes), including
each worker's start and analyzer construction.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dsm_clinic.offline import apply_offline_env  # noqa: E402

apply_offline_env()

from dsm_clinic.deid.analyzer import (  # noqa: E402
    baseline_spans,
    build_analyzer,
    build_presidio_baseline,
)
from dsm_clinic.deid.evaluate import evaluate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def load_notes(n: int, seed: int) -> tuple[list[dict], str]:
    """`n` gold notes: synthetic ones of `seed` when the generator is there."""
    try:
        from dsm_clinic.data.synth import synthesize_corpus
    except ImportError:
        synthesize_corpus = None
    if synthesize_corpus is not None:
        with tempfile.TemporaryDirectory() as tmp:
            synthesize_corpus(Path(tmp) / "c", notes=n, seed=seed)
            lines = (Path(tmp) / "c" / "notes.jsonl").read_text().splitlines()
        return [json.loads(x) for x in lines], f"synthetic (seed {seed})"
    lines = (ROOT / "tests" / "data" / "deid_handwritten.jsonl").read_text().splitlines()
    notes = [json.loads(x) for x in lines]
    return (notes * (n // len(notes) + 1))[:n], "hand-written (repeated)"


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = cpu()
        fn()
        best = min(best, cpu() - start)
    return best


def run_workers(notes: list[dict], workers: int) -> float:
    from dsm_clinic.deid.runner import AnalyzerFactory, deidentify_records

    factory = AnalyzerFactory("dsm_clinic.deid.analyzer:build_analyzer")
    start = time.perf_counter()
    out = list(deidentify_records(iter(notes), analyze=factory, mode="tag", workers=workers))
    elapsed = time.perf_counter() - start
    assert len(out) == len(notes)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=424242)
    ap.add_argument("--no-workers", action="store_true", help="skip the --workers 1/2 part")
    args = ap.parse_args()

    notes, source = load_notes(args.notes, args.seed)
    texts = [r["text"] for r in notes]
    chars = sum(map(len, texts)) / len(texts)

    t0 = time.perf_counter()
    ours = build_analyzer()
    build_s = time.perf_counter() - t0
    rules = build_analyzer(ner_model_dir=None)
    t0 = time.perf_counter()
    stock = build_presidio_baseline()
    stock_build_s = time.perf_counter() - t0

    # warm up both (lazy loading inside Presidio), then alternate timed passes
    ours.analyze(texts[0])
    rules.analyze(texts[0])
    baseline_spans(stock, texts[0])
    t_ours = t_rules = t_stock = float("inf")
    for _ in range(args.repeat):
        t_ours = min(t_ours, best_time(lambda: [ours.analyze(t) for t in texts], 1))
        t_rules = min(t_rules, best_time(lambda: [rules.analyze(t) for t in texts], 1))
        t_stock = min(t_stock, best_time(lambda: [baseline_spans(stock, t) for t in texts], 1))

    rep_ours = evaluate(notes, predicted=[ours.analyze(t) for t in texts])
    rep_stock = evaluate(notes, predicted=[baseline_spans(stock, t) for t in texts])

    print(f"notes: {len(texts)} {source}, {chars:.0f} characters each on average")
    print(f"build: ours {build_s:.2f} s, stock {stock_build_s:.2f} s (after imports)")
    print(f"ours : {len(texts) / t_ours:8.1f} notes/s  token recall {rep_ours.token['ALL'].recall:.4f}"
          f"  precision {rep_ours.token['ALL'].precision:.4f}")
    print(f"stock: {len(texts) / t_stock:8.1f} notes/s  token recall {rep_stock.token['ALL'].recall:.4f}"
          f"  precision {rep_stock.token['ALL'].precision:.4f}")
    print(f"ratio (ours / stock notes per second): {t_stock / t_ours:.2f}")
    print(f"ours without the shipped NER: {len(texts) / t_rules:.1f} notes/s; "
          f"ratio (with / without NER notes per second): {t_rules / t_ours:.2f}")
    page = 3000  # characters of a one-page note
    print(f"ours per one-page note ({page} characters): "
          f"{chars * len(texts) / t_ours / page:.1f} pages/s on one core")

    if not args.no_workers:
        try:
            w1 = run_workers(notes, 1)
            w2 = run_workers(notes, 2)
        except ImportError:
            print("workers: dsm_clinic.deid.runner is not there; skipped")
            return
        print(f"deid runner, tag mode, wall time: --workers 1 {len(notes) / w1:.1f} notes/s, "
              f"--workers 2 {len(notes) / w2:.1f} notes/s, ratio {w1 / w2:.2f} "
              f"(on {os.cpu_count()} cores, worker start-up included)")


if __name__ == "__main__":
    main()
