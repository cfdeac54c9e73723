"""The embedded default base model: a small Llama pretrained on site on the (synthetic or
de-identified) corpus, saved as an ordinary Hugging Face model folder.

No pretrained weights can reach an air-gapped hospital through the tool, yet every later stage
needs a causal LM; this one is trained from scratch in minutes on CPU. It is a working
stand-in, not a good language model: the hospital points `--model` at its own when it has one.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch

from dsm_clinic.errors import error
from dsm_clinic.io.atomic import atomic_write_json
from dsm_clinic.io.manifest import write_manifest
from dsm_clinic.models.loading import quiet_transformers
from dsm_clinic.models.threads import ThreadTuner
from dsm_clinic.models.tokenizer import train_bpe_tokenizer

ProgressFn = Callable[..., None]
CHECKPOINT_DIR = "checkpoint"
MAX_CURVE_POINTS = 500


@dataclass(frozen=True)
class PretrainConfig:
    """Model shape and training hyper-parameters of one size preset."""

    vocab_size: int
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    intermediate: int
    context: int  # max_position_embeddings of the saved model
    seq_len: int  # length of the packed training sequences (<= context)
    batch_size: int
    lr: float
    min_lr_ratio: float = 0.1
    warmup_steps: int = 20
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    max_epochs: int = 30
    max_steps: int = 100_000
    holdout: float = 0.05  # share of packed sequences kept out to measure eval loss


SIZES: dict[str, PretrainConfig] = {
    # ~2.4M parameters: 4-6k tokens/s on 2 idle CPU cores (about 1.2-1.5k on a busy one),
    # so 2.5 minutes see 300 synthetic notes (~100k tokens) a few times over
    "tiny": PretrainConfig(vocab_size=4096, hidden=192, layers=4, heads=6, kv_heads=2,
                           intermediate=512, context=512, seq_len=256, batch_size=8, lr=2e-3),
    # ~10-13M parameters (with its vocabulary full): for a GPU or a longer CPU budget
    "small": PretrainConfig(vocab_size=8192, hidden=384, layers=6, heads=6, kv_heads=2,
                            intermediate=1024, context=1024, seq_len=256, batch_size=16, lr=1e-3,
                            warmup_steps=100),
}


@dataclass
class InitResult:
    """What init_base_model produced; losses are means over the first/last few steps."""

    out_dir: Path
    steps: int
    first_loss: float
    last_loss: float
    eval_loss: float | None
    seconds: float
    parameters: int
    tokens_per_s: float
    tokens_seen: int
    corpus_tokens: int
    vocab_size: int
    stopped_by: Literal["time", "steps"]
    device: str
    resumed_from_step: int = 0


def _emit(on_progress: ProgressFn | None, task: str, completed: int, total: int | None, **metrics):
    if on_progress is not None:
        on_progress(task, completed, total, **metrics)


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def pack_corpus(texts: Sequence[str], tokenizer, seq_len: int) -> tuple[torch.Tensor, int]:
    """Tokenize `texts`, join them with end-of-text and cut the stream into rows of `seq_len`.

    Returns (blocks [n, seq_len] int64, corpus token count). Packing wastes no compute on
    padding: notes run from a few lines to a page, so one note per row pads about 30% of a
    batch (benchmarks/bench_model_init.py measures the difference).
    """
    eos = tokenizer.eos_token_id
    encodings = tokenizer.backend_tokenizer.encode_batch(list(texts), add_special_tokens=False)
    stream: list[int] = []
    for enc in encodings:
        stream.extend(enc.ids)
        stream.append(eos)
    n = len(stream) // seq_len
    blocks = torch.tensor(stream[: n * seq_len], dtype=torch.long).view(n, seq_len)
    return blocks, len(stream)


def lr_at(step: int, progress: float, cfg: PretrainConfig) -> float:
    """Learning rate: linear warmup over warmup_steps, then cosine decay to min_lr_ratio * lr
    along `progress` (0..1, the larger of step share and time-budget share)."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    p = min(1.0, max(0.0, progress))
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + 0.5 * (cfg.lr - floor) * (1.0 + math.cos(math.pi * p))


def _build_model(cfg: PretrainConfig, tokenizer, seed: int):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=cfg.hidden, intermediate_size=cfg.intermediate,
        num_hidden_layers=cfg.layers, num_attention_heads=cfg.heads,
        num_key_value_heads=cfg.kv_heads, max_position_embeddings=cfg.context,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(config)


def make_optimizer(model, cfg: PretrainConfig, *, fused: bool | None = None) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices only (not norms); fused kernels where torch has them."""
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay},
              {"params": no_decay, "weight_decay": 0.0}]
    # One fused kernel per step instead of a chain of small ops: ~1.2-1.5x faster on 2 cores
    use_fused = True if fused is None else fused
    try:
        return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.95), eps=1e-8, fused=use_fused)
    except (RuntimeError, TypeError):
        return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.95), eps=1e-8)


def train_step(model, optimizer, batch: torch.Tensor, *, lr: float, grad_clip: float,
               autocast_dtype: torch.dtype | None = None) -> float:
    """One next-token-prediction step on `batch` (labels are the inputs; the model shifts).
    Returns the loss."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    with torch.autocast(batch.device.type, dtype=autocast_dtype or torch.float32,
                        enabled=autocast_dtype is not None):
        loss = model(input_ids=batch, labels=batch).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return float(loss.detach())


@torch.no_grad()
def _eval_loss(model, blocks: torch.Tensor, batch_size: int, autocast_dtype) -> float | None:
    if len(blocks) == 0:
        return None
    model.eval()
    total, n = 0.0, 0
    for i in range(0, len(blocks), batch_size):
        batch = blocks[i: i + batch_size]
        with torch.autocast(batch.device.type, dtype=autocast_dtype or torch.float32,
                            enabled=autocast_dtype is not None):
            total += float(model(input_ids=batch, labels=batch).loss) * len(batch)
        n += len(batch)
    model.train()
    return total / n


def _curve(losses: list[float]) -> list[list[float]]:
    """[[step, loss], ...]: every step, or window means when there are many steps."""
    if len(losses) <= MAX_CURVE_POINTS:
        return [[i + 1, round(v, 4)] for i, v in enumerate(losses)]
    w = math.ceil(len(losses) / MAX_CURVE_POINTS)
    return [[min(i + w, len(losses)), round(sum(losses[i:i + w]) / len(losses[i:i + w]), 4)]
            for i in range(0, len(losses), w)]


def _edge_mean(losses: list[float], first: bool) -> float:
    k = max(1, min(10, len(losses) // 10))
    part = losses[:k] if first else losses[-k:]
    return sum(part) / len(part)


def init_base_model(
    texts: Sequence[str],
    out_dir: str | Path,
    *,
    size: Literal["tiny", "small"] = "tiny",
    max_minutes: float,
    seed: int = 0,
    max_steps: int | None = None,
    max_epochs: int | None = None,
    overrides: dict | None = None,
    device: str | None = None,
    threads: int | None = None,
    corpus_ref: dict | None = None,
    parents: Sequence[str | Path] = (),
    checkpoint_minutes: float | None = 5.0,
    resume: bool = False,
    on_progress: ProgressFn | None = None,
) -> InitResult:
    """Train a tokenizer and a small Llama on `texts` and save both as a model folder.

    The whole call, tokenizer and saving included, stays within `max_minutes`; training also
    stops after `max_steps` or `max_epochs` (defaults from the size preset). `overrides`
    replaces preset fields (see PretrainConfig). Training runs on CUDA (bf16 autocast) when
    available, else on CPU in float32; `device` forces one. On CPU `threads=None` lets a
    ThreadTuner pick the fastest thread count as the machine's load changes; an int fixes it
    (runs with the same seed, steps and threads give identical weights).
    With `checkpoint_minutes` a checkpoint is saved under out_dir/checkpoint every that many
    minutes; `resume=True` continues from it. Calls on_progress("tokenizer", ...),
    on_progress("pretrain", step, total_steps, loss=, tokens_per_s=, lr=, epoch=, threads=)
    and on_progress("save", ...). Writes manifest.json (kind "base_model") last.
    Raises DsmError E303 (out_dir not empty), E505 (corpus too small), E506 (bad option),
    E507 (nothing to resume).
    """
    t0 = time.monotonic()
    cfg = _checked_config(size, max_minutes, overrides, max_steps, max_epochs)
    out = Path(out_dir)
    ckpt = out / CHECKPOINT_DIR
    if resume:
        if not (ckpt / "trainer_state.json").is_file():
            raise error("E507", path=str(out), detail="no checkpoint/trainer_state.json")
    elif out.exists() and any(out.iterdir()):
        raise error("E303", path=str(out))
    texts = [t for t in texts if t and t.strip()]
    if len(texts) < 2:
        raise error("E505", detail=f"{len(texts)} non-empty notes")

    quiet_transformers()
    dev = torch.device(device) if device else torch.device(
        "cuda" if torch.cuda.is_available() else "cpu")
    autocast_dtype = torch.bfloat16 if dev.type == "cuda" and torch.cuda.is_bf16_supported() else None
    if threads is not None:
        tuner = ThreadTuner([threads])
    elif dev.type == "cpu":
        cores = available_cores()
        tuner = ThreadTuner([cores, max(1, cores // 2), 1])
    else:
        tuner = ThreadTuner([available_cores()])
    threads_before = torch.get_num_threads()
    try:
        run = _Run(cfg=cfg, size=size, seed=seed, dev=dev, autocast_dtype=autocast_dtype,
                   tuner=tuner, t0=t0,
                   # leave time to save: a second, or 2% of the budget on long runs
                   deadline=t0 + max_minutes * 60.0 - max(1.0, 1.2 * max_minutes),
                   on_progress=on_progress)
        run.prepare(texts, ckpt if resume else None)
        run.train(ckpt, checkpoint_minutes)
        result = run.save(out, ckpt)
        write_manifest(
            out, kind="base_model",
            config={"size": size, "seed": seed, "max_minutes": max_minutes, "device": str(dev),
                    "threads": "auto" if threads is None else threads,
                    "architecture": "LlamaForCausalLM", **dataclasses.asdict(cfg)},
            inputs=[corpus_ref] if corpus_ref else [], parents=parents,
            extra=run.manifest_extra(result))
        _emit(on_progress, "save", 1, 1)
        return result
    finally:
        torch.set_num_threads(threads_before)


def _checked_config(size, max_minutes, overrides, max_steps, max_epochs) -> PretrainConfig:
    if size not in SIZES:
        raise error("E506", option="size", detail=f"'{size}'", allowed="use tiny or small")
    if not max_minutes or max_minutes <= 0:
        raise error("E506", option="max_minutes", detail=str(max_minutes),
                    allowed="give a positive number of minutes")
    for name, value in (("max_steps", max_steps), ("max_epochs", max_epochs)):
        if value is not None and value < 1:
            raise error("E506", option=name, detail=str(value), allowed="give at least 1")
    caps = {k: v for k, v in (("max_steps", max_steps), ("max_epochs", max_epochs)) if v}
    try:
        cfg = dataclasses.replace(SIZES[size], **{**(overrides or {}), **caps})
    except TypeError as exc:
        fields = ", ".join(f.name for f in dataclasses.fields(PretrainConfig))
        raise error("E506", option="overrides", detail=str(exc), allowed=f"fields: {fields}") from exc
    if cfg.seq_len > cfg.context:
        raise error("E506", option="seq_len", detail=f"{cfg.seq_len} > context {cfg.context}",
                    allowed="seq_len must not exceed context")
    return cfg


@dataclass
class _Run:
    """State of one pretraining run: prepare (tokenizer, data, model), train, save."""

    cfg: PretrainConfig
    size: str
    seed: int
    dev: torch.device
    autocast_dtype: torch.dtype | None
    tuner: ThreadTuner
    t0: float
    deadline: float
    on_progress: ProgressFn | None
    losses: list = dataclasses.field(default_factory=list)
    step: int = 0
    start_step: int = 0
    tokens_seen: int = 0
    new_tokens: int = 0
    train_seconds: float = 0.0
    train_seconds_before: float = 0.0
    stopped_by: str = "steps"

    def prepare(self, texts: list[str], resume_from: Path | None) -> None:
        from transformers import AutoTokenizer, LlamaForCausalLM

        cfg = self.cfg
        if resume_from is not None:
            state = json.loads((resume_from / "trainer_state.json").read_text(encoding="utf-8"))
            self.tokenizer = AutoTokenizer.from_pretrained(str(resume_from.resolve()),
                                                           local_files_only=True)
        else:
            state = {}
            _emit(self.on_progress, "tokenizer", 0, 1)
            self.tokenizer = train_bpe_tokenizer(texts, vocab_size=cfg.vocab_size,
                                                 model_max_length=cfg.context)
            _emit(self.on_progress, "tokenizer", 1, 1, vocab_size=len(self.tokenizer))

        blocks, self.corpus_tokens = pack_corpus(texts, self.tokenizer, cfg.seq_len)
        if len(blocks) < 2:
            raise error("E505", detail=f"{self.corpus_tokens} tokens make fewer than 2 "
                                       f"sequences of {cfg.seq_len}")
        order = torch.randperm(len(blocks), generator=torch.Generator().manual_seed(self.seed))
        n_hold = min(32, int(len(blocks) * cfg.holdout))
        self.held = blocks[order[:n_hold]].to(self.dev)
        self.train_blocks = blocks[order[n_hold:]]
        self.batch_size = min(cfg.batch_size, len(self.train_blocks))
        self.steps_per_epoch = max(1, len(self.train_blocks) // self.batch_size)
        self.cap = min(cfg.max_steps, cfg.max_epochs * self.steps_per_epoch)

        if resume_from is not None:
            self.model = LlamaForCausalLM.from_pretrained(
                str(resume_from.resolve()), local_files_only=True, dtype=torch.float32)
        else:
            self.model = _build_model(cfg, self.tokenizer, self.seed)
        self.model.to(self.dev)
        self.model.train()
        self.parameters = self.model.num_parameters()
        self.optimizer = make_optimizer(self.model, cfg)
        if resume_from is not None:
            self.optimizer.load_state_dict(
                torch.load(resume_from / "optimizer.pt", map_location=self.dev))
        self.losses = list(state.get("losses", []))
        self.step = self.start_step = int(state.get("step", 0))
        self.tokens_seen = int(state.get("tokens_seen", 0))
        self.train_seconds_before = float(state.get("train_seconds", 0.0))

    def train(self, ckpt: Path, checkpoint_minutes: float | None) -> None:
        cfg = self.cfg
        # the shuffling generator is replayed from the start, so a resumed run sees the
        # batches the uninterrupted one would have seen
        epoch_gen = torch.Generator().manual_seed(self.seed + 1)
        epoch, perm = -1, None
        t_train = last_ckpt = time.monotonic()
        budget = max(1e-6, self.deadline - t_train)
        step_time = None
        while self.step < self.cap:
            e, i = divmod(self.step, self.steps_per_epoch)
            while epoch < e:
                perm = torch.randperm(len(self.train_blocks), generator=epoch_gen)
                epoch += 1
            now = time.monotonic()
            # 1.5x the recent step time: on a shared machine a step can be slower than the last
            if self.step > self.start_step and \
                    now + 1.5 * step_time + self._eval_reserve(step_time) > self.deadline:
                self.stopped_by = "time"
                break
            # The schedule follows whichever runs out first, steps or time. The time share
            # moves in hundredths, so a run its step cap ends early is bit-for-bit repeatable.
            progress = max((self.step - cfg.warmup_steps) / max(1, self.cap - cfg.warmup_steps),
                           math.floor(100 * (now - t_train) / budget) / 100)
            lr = lr_at(self.step, progress, cfg)
            batch = self.train_blocks[perm[i * self.batch_size:(i + 1) * self.batch_size]]
            batch = batch.to(self.dev)
            threads = self.tuner.before_step()
            ts = time.monotonic()
            loss = train_step(self.model, self.optimizer, batch, lr=lr, grad_clip=cfg.grad_clip,
                              autocast_dtype=self.autocast_dtype)
            dt = time.monotonic() - ts
            self.tuner.after_step(dt)
            step_time = dt if step_time is None else 0.8 * step_time + 0.2 * dt
            self.step += 1
            self.tokens_seen += batch.numel()
            self.new_tokens += batch.numel()
            self.losses.append(loss)
            self.train_seconds = time.monotonic() - t_train
            remaining = max(0.0, self.deadline - time.monotonic())
            _emit(self.on_progress, "pretrain", self.step,
                  min(self.cap, self.step + int(remaining / step_time)), loss=loss,
                  tokens_per_s=self.new_tokens / max(self.train_seconds, 1e-9), lr=lr,
                  epoch=epoch, threads=threads)
            if checkpoint_minutes and self.step < self.cap \
                    and time.monotonic() - last_ckpt >= checkpoint_minutes * 60:
                self._checkpoint(ckpt)
                last_ckpt = time.monotonic()
        self.train_seconds = time.monotonic() - t_train

    def _eval_reserve(self, step_time: float) -> float:
        # the held-out pass runs forward only (about a third of a training step per batch);
        # doubled, since a shared machine's step times vary
        return step_time * math.ceil(len(self.held) / self.batch_size) * 2 / 3

    def _checkpoint(self, ckpt: Path) -> None:
        tmp = ckpt.with_name(ckpt.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        self.model.save_pretrained(str(tmp))
        self.tokenizer.save_pretrained(str(tmp))
        torch.save(self.optimizer.state_dict(), tmp / "optimizer.pt")
        atomic_write_json(tmp / "trainer_state.json", {
            "step": self.step, "losses": self.losses, "tokens_seen": self.tokens_seen,
            "train_seconds": self.train_seconds_before + self.train_seconds,
            "seed": self.seed, "size": self.size})
        # swap by renames so that a crash leaves the old or the new checkpoint, never half
        old = ckpt.with_name(ckpt.name + ".old")
        if ckpt.exists():
            ckpt.rename(old)
        tmp.rename(ckpt)
        shutil.rmtree(old, ignore_errors=True)

    def save(self, out: Path, ckpt: Path) -> InitResult:
        self.eval_loss = _eval_loss(self.model, self.held, self.batch_size, self.autocast_dtype)
        _emit(self.on_progress, "save", 0, 1)
        self.model.eval()
        self.model.to("cpu")
        out.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(str(out))
        self.tokenizer.save_pretrained(str(out))
        shutil.rmtree(ckpt, ignore_errors=True)
        return InitResult(
            out_dir=out, steps=self.step, first_loss=_edge_mean(self.losses, True),
            last_loss=_edge_mean(self.losses, False), eval_loss=self.eval_loss,
            seconds=time.monotonic() - self.t0, parameters=self.parameters,
            tokens_per_s=self.new_tokens / max(self.train_seconds, 1e-9),
            tokens_seen=self.tokens_seen, corpus_tokens=self.corpus_tokens,
            vocab_size=len(self.tokenizer), stopped_by=self.stopped_by, device=str(self.dev),
            resumed_from_step=self.start_step)

    def manifest_extra(self, result: InitResult) -> dict:
        return {
            "steps": self.step, "loss_curve": _curve(self.losses),
            "tokens_seen": self.tokens_seen, "corpus_tokens": self.corpus_tokens,
            "first_loss": round(result.first_loss, 4), "last_loss": round(result.last_loss, 4),
            "eval_loss": None if result.eval_loss is None else round(result.eval_loss, 4),
            "stopped_by": self.stopped_by,
            "train_seconds": round(self.train_seconds_before + self.train_seconds, 2),
            "tokens_per_s": round(result.tokens_per_s, 1), "parameters": self.parameters,
            "resumed_from_step": self.start_step,
            "threads_used": {str(k): v for k, v in sorted(self.tuner.used.items())},
        }
