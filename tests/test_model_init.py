"""The embedded base model: tokenizer + small Llama pretrained on site, saved as a model folder."""

from __future__ import annotations

import json
import random

import pytest
import torch

from dsm_clinic.errors import DsmError
from dsm_clinic.io.hashing import sha256_file
from dsm_clinic.models.info import model_info
from dsm_clinic.models.loading import load_causal_lm
from dsm_clinic.models.pretrain import SIZES, init_base_model, lr_at, pack_corpus
from dsm_clinic.models.threads import ThreadTuner
from dsm_clinic.models.tokenizer import MASK_TOKEN, train_bpe_tokenizer

# A model small enough that a few steps take well under a second.
MICRO = {"hidden": 32, "layers": 1, "heads": 2, "kv_heads": 1, "intermediate": 64,
         "vocab_size": 512, "seq_len": 32, "batch_size": 4, "warmup_steps": 2}


def italian_notes(n: int, seed: int = 0) -> list[str]:
    """Short Italian-looking clinical notes (stand-in for the synthetic corpus)."""
    rng = random.Random(seed)
    cond = ["asma bronchiale", "diabete mellito tipo 2", "fibrillazione atriale",
            "scompenso cardiaco", "epilessia", "ipertensione arteriosa"]
    drugs = ["levetiracetam 500 mg bid", "metformina 850 mg", "apixaban 5 mg bid",
             "salbutamolo al bisogno", "furosemide 25 mg"]
    notes = []
    for _ in range(n):
        lines = [f"Visita del {rng.randint(1, 28)}/{rng.randint(1, 12):02d}/20{rng.randint(10, 24)}. "
                 f"Pz di {rng.randint(18, 95)} aa."]
        for _ in range(rng.randint(1, 4)):
            lines.append(rng.choice([
                f"Anamnesi: {rng.choice(cond)} in terapia con {rng.choice(drugs)}.",
                f"Nega {rng.choice(cond)}; {rng.choice(cond)} nel padre.",
                f"PA {rng.randint(100, 170)}/{rng.randint(60, 100)} mmHg, FC {rng.randint(50, 120)} bpm.",
                f"Sospetta {rng.choice(cond)}: controllo tra {rng.randint(1, 6)} mesi. Perché così?",
                "Paziente autonomo nelle attività quotidiane; città di Forlì, età avanzata.",
            ]))
        notes.append("\n".join(lines))
    return notes


# Smaller than the tiny preset: 80 steps take a few seconds, under a minute on a busy machine.
SMALLER = {"hidden": 64, "layers": 2, "heads": 4, "kv_heads": 2, "intermediate": 128,
           "seq_len": 64, "batch_size": 8, "warmup_steps": 5}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """100 short notes, 80 steps, with progress recorded."""
    out = tmp_path_factory.mktemp("init") / "base"
    events = []
    ref = {"path": "corpus/notes.jsonl", "sha256": "0" * 64, "records": 100}
    result = init_base_model(italian_notes(100), out, size="tiny", max_minutes=2, seed=0,
                             max_steps=80, overrides=SMALLER, corpus_ref=ref,
                             on_progress=lambda *a, **m: events.append((a, m)))
    return result, events


def test_pretraining_loss_falls_and_folder_loads_like_any_model(trained):
    result, _ = trained
    manifest = json.loads((result.out_dir / "manifest.json").read_text())
    curve = manifest["loss_curve"]
    assert manifest["kind"] == "base_model" and manifest["steps"] == result.steps == len(curve)
    assert [s for s, _ in curve] == list(range(1, result.steps + 1))
    assert result.steps == 80 and result.stopped_by == "steps"
    # from about ln(vocab) down: a model that does not learn stays near the first value
    assert result.first_loss > 5.0
    assert result.last_loss < result.first_loss - 2.0
    assert result.eval_loss is not None and result.eval_loss < result.first_loss - 2.0
    assert curve[-1][1] < curve[0][1]
    assert manifest["inputs"][0]["sha256"] == "0" * 64
    assert manifest["config"]["size"] == "tiny" and manifest["config"]["hidden"] == 64
    assert manifest["config"]["vocab_size"] == SIZES["tiny"].vocab_size
    assert manifest["tokens_seen"] == result.tokens_seen == result.steps * 8 * 64
    model, tok = load_causal_lm(result.out_dir, device="cpu")
    assert type(model).__name__ == "LlamaForCausalLM"
    assert model.num_parameters() == result.parameters
    assert tok.mask_token == MASK_TOKEN and tok.pad_token_id == 0
    assert len(tok) == result.vocab_size == model.config.vocab_size
    info = model_info(result.out_dir)
    assert info["family"] == "Llama" and info["context_length"] == SIZES["tiny"].context
    assert info["manifest"]["steps"] == result.steps


def test_the_time_budget_bounds_the_whole_call(tmp_path):
    result = init_base_model(italian_notes(100), tmp_path / "m", max_minutes=0.1,
                             max_epochs=10_000, overrides=SMALLER)
    assert result.stopped_by == "time" and result.steps >= 1
    # 0.1 minutes = 6 s for everything, saving included. The margin is wide on purpose (a
    # shared machine may stall a step); ignoring the budget would run 10 000 epochs, minutes.
    assert result.seconds <= 6 + 14
    assert (tmp_path / "m" / "manifest.json").is_file()


def test_progress_is_reported_per_step(trained):
    result, events = trained
    steps = [(a[1], a[2], m) for a, m in events if a[0] == "pretrain"]
    assert [c for c, _, _ in steps] == list(range(1, result.steps + 1))
    assert all(total is not None and total >= c for c, total, _ in steps)
    assert all(m["loss"] > 0 and m["tokens_per_s"] > 0 for _, _, m in steps)
    tasks = [a[0] for a, _ in events]
    assert tasks[0] == "tokenizer" and tasks[-1] == "save"


def test_same_seed_same_run_other_seed_other_run(tmp_path):
    texts = italian_notes(40)

    def run(name, seed):
        r = init_base_model(texts, tmp_path / name, max_minutes=60, seed=seed, max_steps=4,
                            overrides=MICRO, threads=1)
        curve = json.loads((r.out_dir / "manifest.json").read_text())["loss_curve"]
        return r, curve, sha256_file(r.out_dir / "model.safetensors")

    a, curve_a, hash_a = run("a", 1)
    b, curve_b, hash_b = run("b", 1)
    c, curve_c, hash_c = run("c", 2)
    assert a.stopped_by == "steps" and a.steps == 4
    assert curve_a == curve_b and hash_a == hash_b
    assert curve_a != curve_c and hash_a != hash_c


class _Interrupt(Exception):
    pass


def test_resume_continues_the_interrupted_run(tmp_path):
    texts = italian_notes(40)
    full = init_base_model(texts, tmp_path / "full", max_minutes=60, max_steps=6, overrides=MICRO,
                           threads=1)

    def stop_at_4(task, completed, total, **m):
        if task == "pretrain" and completed == 4:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        # checkpoint after every step; the callback stops the run after step 4's checkpoint
        # would come, so the checkpoint holds step 3
        init_base_model(texts, tmp_path / "cut", max_minutes=60, max_steps=6, overrides=MICRO,
                        threads=1, checkpoint_minutes=1e-9, on_progress=stop_at_4)
    state = json.loads((tmp_path / "cut" / "checkpoint" / "trainer_state.json").read_text())
    assert state["step"] == 3
    resumed = init_base_model(texts, tmp_path / "cut", max_minutes=60, max_steps=6,
                              overrides=MICRO, threads=1, resume=True)
    assert resumed.resumed_from_step == 3 and resumed.steps == 6
    assert not (tmp_path / "cut" / "checkpoint").exists()
    curve_full = json.loads((tmp_path / "full" / "manifest.json").read_text())["loss_curve"]
    curve_cut = json.loads((tmp_path / "cut" / "manifest.json").read_text())["loss_curve"]
    assert [s for s, _ in curve_cut] == [s for s, _ in curve_full]
    for (_, x), (_, y) in zip(curve_full, curve_cut, strict=True):
        assert y == pytest.approx(x, rel=1e-3)
    assert resumed.tokens_seen == full.tokens_seen


def test_refusals(tmp_path):
    texts = italian_notes(20)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    cases = [
        (dict(texts=texts, out_dir=tmp_path / "busy"), "E303"),
        (dict(texts=["una nota sola", "  "], out_dir=tmp_path / "one"), "E505"),
        (dict(texts=texts, out_dir=tmp_path / "s", size="huge"), "E506"),
        (dict(texts=texts, out_dir=tmp_path / "o", overrides={"hiden": 3}), "E506"),
        (dict(texts=texts, out_dir=tmp_path / "r", resume=True), "E507"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DsmError) as exc:
            init_base_model(max_minutes=1, **kwargs)
        assert exc.value.code == code, kwargs
    with pytest.raises(DsmError) as exc:
        init_base_model(texts, tmp_path / "z", max_minutes=0)
    assert exc.value.code == "E506"


def test_packing_joins_notes_with_end_of_text():
    texts = ["nega asma", "asma nel padre", "FA"]
    tok = train_bpe_tokenizer(texts * 5, vocab_size=300)
    blocks, n_tokens = pack_corpus(texts, tok, seq_len=4)
    stream = []
    for t in texts:
        stream += tok(t)["input_ids"] + [tok.eos_token_id]
    assert n_tokens == len(stream)
    assert blocks.shape == (len(stream) // 4, 4)
    assert blocks.flatten().tolist() == stream[: blocks.numel()]


def test_learning_rate_warms_up_then_decays_to_the_floor():
    cfg = SIZES["tiny"]
    warm = [lr_at(s, 0.0, cfg) for s in range(cfg.warmup_steps)]
    assert warm == sorted(warm) and warm[-1] == pytest.approx(cfg.lr)
    assert lr_at(cfg.warmup_steps, 0.0, cfg) == pytest.approx(cfg.lr)
    assert lr_at(500, 0.5, cfg) == pytest.approx(cfg.lr * (1 + cfg.min_lr_ratio) / 2)
    assert lr_at(500, 1.0, cfg) == pytest.approx(cfg.lr * cfg.min_lr_ratio)
    assert lr_at(500, 7.0, cfg) == pytest.approx(cfg.lr * cfg.min_lr_ratio)


def test_threads_are_restored(tmp_path):
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        init_base_model(italian_notes(20), tmp_path / "t", max_minutes=5, max_steps=1,
                        overrides=MICRO)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_thread_tuner_keeps_the_fastest_count_and_rechecks():
    now = [0.0]
    tuner = ThreadTuner([2, 1], probe_steps=2, recheck_s=30, clock=lambda: now[0])
    speed = {2: 0.5, 1: 0.1}  # a busy machine: one thread is faster
    seen = []
    for _ in range(8):
        n = tuner.before_step()
        seen.append(n)
        tuner.after_step(speed[n])
    # warm-up on all cores, probe 2,2,1,1, then stay on the winner
    assert seen == [2, 2, 2, 1, 1, 1, 1, 1]
    assert tuner.choices == [1] and tuner.used == {2: 3, 1: 5}
    speed = {2: 0.1, 1: 0.3}  # the load went away
    now[0] = 31.0
    seen = []
    for _ in range(6):
        n = tuner.before_step()
        seen.append(n)
        tuner.after_step(speed[n])
    assert seen == [2, 2, 1, 1, 2, 2] and tuner.choices == [1, 2]
    assert torch.get_num_threads() == 2
    torch.set_num_threads(tuner.candidates[0])


def test_a_fixed_thread_count_is_never_probed():
    tuner = ThreadTuner([1])
    assert [tuner.before_step() for _ in range(3)] == [1, 1, 1]
