"""Tokens/s of the base-model pretraining step, against plainer loops measured in the same run.

    .venv/bin/python benchmarks/bench_model_init.py [--notes 300] [--steps 5]

All variants train the `tiny` preset model on the same corpus, in one process, alternating
rounds so that load from other processes on a shared machine falls on each alike; each figure
is the best round. Three ratios, each "ours / baseline" (above 1.0 = ours faster):

  packing   packed 256-token rows vs one note per row padded to the longest in the batch
            (useful, non-pad tokens/s; same threads, same optimizer)
  fused     AdamW fused kernel vs torch's default (foreach) AdamW, packed rows
  threads   the ThreadTuner's choice vs torch's default thread count, packed rows, fused
            AdamW; on an idle machine both are usually all cores and the ratio is ~1.0, on
            a busy one the tuner drops to fewer threads and the ratio grows
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from dsm_clinic.models.pretrain import (  # noqa: E402
    SIZES,
    _build_model,
    available_cores,
    make_optimizer,
    pack_corpus,
    train_step,
)
from dsm_clinic.models.threads import ThreadTuner  # noqa: E402
from dsm_clinic.models.tokenizer import train_bpe_tokenizer  # noqa: E402


def corpus(n: int) -> list[str]:
    """Synthetic notes from the corpus generator (or a fallback when it is missing)."""
    try:
        from dsm_clinic.data.synth import synthesize_corpus
    except ImportError:
        words = ("pz dispnea asma tosse febbre terapia levetiracetam controllo anamnesi nega "
                 "padre riferisce è più già perché FA PA FC").split()
        return [" ".join(words[(i * 7 + j) % len(words)] for j in range(40 + i % 200))
                for i in range(n)]
    with tempfile.TemporaryDirectory() as d:
        synthesize_corpus(Path(d) / "c", notes=n, seed=0)
        lines = (Path(d) / "c" / "notes.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["text"] for line in lines]


def padded_batches(texts, tokenizer, batch_size: int, max_len: int):
    """One note per row, truncated to max_len, padded to the batch's longest; pads masked."""
    batches = []
    for i in range(0, len(texts) - batch_size + 1, batch_size):
        enc = tokenizer(texts[i:i + batch_size], truncation=True, max_length=max_len,
                        padding="longest", return_tensors="pt")
        labels = enc["input_ids"].masked_fill(enc["attention_mask"] == 0, -100)
        batches.append((enc["input_ids"], enc["attention_mask"], labels))
    return batches


def padded_step(model, optimizer, batch, lr: float) -> None:
    ids, mask, labels = batch
    for group in optimizer.param_groups:
        group["lr"] = lr
    loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def timed(fn, steps: int) -> float:
    """Seconds per step over `steps` steps, after one warm-up step."""
    fn(0)
    t = time.perf_counter()
    for k in range(1, steps + 1):
        fn(k)
    return (time.perf_counter() - t) / steps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=300)
    ap.add_argument("--steps", type=int, default=3, help="timed steps per variant and round")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()

    cfg = SIZES["tiny"]
    texts = corpus(args.notes)
    tok = train_bpe_tokenizer(texts, vocab_size=cfg.vocab_size, model_max_length=cfg.context)
    blocks, n_tokens = pack_corpus(texts, tok, cfg.seq_len)
    padded = padded_batches(texts, tok, cfg.batch_size, cfg.context)
    useful_padded = sum(int(b[1].sum()) for b in padded) / len(padded)
    cells_padded = sum(b[0].numel() for b in padded) / len(padded)
    packed_tokens = cfg.batch_size * cfg.seq_len
    print(f"corpus: {len(texts)} notes, {n_tokens} tokens; tiny preset, "
          f"{cfg.batch_size} rows/step; padded rows are {useful_padded / cells_padded:.0%} "
          f"real tokens")

    default_threads = torch.get_num_threads()
    # probes once, then keeps its choice for the whole benchmark
    tuner = ThreadTuner([available_cores(), max(1, available_cores() // 2), 1],
                        recheck_s=float("inf"))
    model = _build_model(cfg, tok, seed=0)
    model.train()
    opt_fused = make_optimizer(model, cfg, fused=True)
    opt_plain = make_optimizer(model, cfg, fused=False)

    def packed(optimizer):
        def step(k):
            batch = blocks[(k * cfg.batch_size) % (len(blocks) - cfg.batch_size):][:cfg.batch_size]
            train_step(model, optimizer, batch, lr=1e-4, grad_clip=1.0)
        return step

    def padded_run(k):
        padded_step(model, opt_fused, padded[k % len(padded)], lr=1e-4)

    def tuned(k):
        tuner.before_step()
        t = time.perf_counter()
        packed(opt_fused)(k)
        tuner.after_step(time.perf_counter() - t)

    timed(tuned, 2 * len(tuner.candidates))  # warm-up + the tuner's probes
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        torch.set_num_threads(default_threads)
        rounds = {
            "padded": timed(padded_run, args.steps),
            "packed": timed(packed(opt_fused), args.steps),
            "packed_foreach": timed(packed(opt_plain), args.steps),
        }
        rounds["tuned"] = timed(tuned, args.steps)
        for name, sec in rounds.items():
            best[name] = min(best.get(name, sec), sec)
    torch.set_num_threads(default_threads)

    tps = {
        "padded": useful_padded / best["padded"],
        "packed": packed_tokens / best["packed"],
        "packed_foreach": packed_tokens / best["packed_foreach"],
        "tuned": packed_tokens / best["tuned"],
    }
    for name, v in tps.items():
        print(f"{name:>15}: {v:8.0f} useful tokens/s  ({best[name]:.3f} s/step)")
    print(f"threads: torch default {default_threads}, tuner chose {tuner.current} "
          f"(choices {tuner.choices})")
    print(f"ratio packing (packed / padded):          {tps['packed'] / tps['padded']:.2f}")
    print(f"ratio fused   (fused / foreach AdamW):    {tps['packed'] / tps['packed_foreach']:.2f}")
    print(f"ratio threads (tuned / default threads):  {tps['tuned'] / tps['packed']:.2f}")


if __name__ == "__main__":
    main()
