"""Local model loading: each family from a folder, hub ids refused, pad token, model info."""

from __future__ import annotations

import json

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dsm_clinic.errors import DsmError
from dsm_clinic.io.hashing import sha256_file
from dsm_clinic.models import loading
from dsm_clinic.models.info import model_info
from dsm_clinic.models.loading import (
    load_causal_lm,
    load_tokenizer,
    resolve_model_dir,
    select_device_dtype,
)
from dsm_clinic.models.tiny import build_tiny_model
from dsm_clinic.models.tokenizer import (
    EOS_TOKEN,
    MASK_TOKEN,
    PAD_TOKEN,
    train_bpe_tokenizer,
)

FAMILY_CLASSES = {
    "Llama": "LlamaForCausalLM",
    "Qwen2": "Qwen2ForCausalLM",
    "Qwen3": "Qwen3ForCausalLM",
    "Mistral": "MistralForCausalLM",
    "Gemma3": "Gemma3ForCausalLM",
}

ITALIAN = [
    "Il pz è affetto da asma; nega fumo. Perché così?",
    "Città: Forlì. Età: 56 aa. Attività fisica ridotta, più dispnea.",
    "Sig.ra D'Angelo, nata a Cefalù il 12/03/1956 — «terapia» ok.",
    "ÀÈÉÌÒÙ àèéìòù ç ñ ü œ € ° ± µ",
]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """One tiny saved model per family, built once for the module."""
    root = tmp_path_factory.mktemp("families")
    return {fam: build_tiny_model(fam, root / fam.lower(), seed=0) for fam in FAMILY_CLASSES}


@pytest.mark.parametrize("family", list(FAMILY_CLASSES))
def test_each_family_loads_back_from_its_folder(models, family):
    model, tok = load_causal_lm(models[family], device="cpu")
    assert type(model).__name__ == FAMILY_CLASSES[family]
    assert not model.training
    assert tok.pad_token is not None and model.config.pad_token_id == tok.pad_token_id
    batch = tok(ITALIAN[:2], padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits
    assert logits.shape == (2, batch["input_ids"].shape[1], model.config.vocab_size)
    assert model.config.vocab_size >= len(tok)
    info = model_info(models[family])
    assert info["family"] == family
    assert info["architecture"] == FAMILY_CLASSES[family]
    assert info["parameters"] == model.num_parameters()


def test_padding_does_not_change_the_real_tokens_logits(models):
    model, tok = load_causal_lm(models["Llama"], device="cpu")
    tok.padding_side = "right"
    short, long = "Nega asma.", ITALIAN[1]
    padded = tok([short, long], padding=True, return_tensors="pt")
    alone = tok([short], return_tensors="pt")
    n = alone["input_ids"].shape[1]
    assert padded["input_ids"].shape[1] > n and (padded["input_ids"][0, n:] == tok.pad_token_id).all()
    with torch.no_grad():
        a = model(**alone).logits[0]
        b = model(**padded).logits[0, :n]
    torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_tokenizer_without_pad_gets_a_dedicated_one_and_embeddings_grow(tmp_path):
    d = build_tiny_model("Llama", tmp_path / "nopad", pad_token=False)
    assert model_info(d)["pad_added_on_load"] is True
    saved_rows = json.loads((d / "config.json").read_text())["vocab_size"]
    model, tok = load_causal_lm(d, device="cpu")
    assert tok.pad_token == "<pad>"
    assert tok.pad_token_id != tok.eos_token_id
    assert tok.pad_token_id == saved_rows == len(tok) - 1
    assert model.get_input_embeddings().weight.shape[0] == len(tok)
    assert model.config.pad_token_id == tok.pad_token_id
    batch = tok(ITALIAN[:2], padding=True, return_tensors="pt")
    assert (batch["input_ids"] == tok.pad_token_id).any()
    with torch.no_grad():
        assert model(**batch).logits.shape[-1] == len(tok)


def test_same_seed_same_weights_other_seed_other_weights(tmp_path):
    a = build_tiny_model("Qwen3", tmp_path / "a", seed=3)
    b = build_tiny_model("Qwen3", tmp_path / "b", seed=3)
    c = build_tiny_model("Qwen3", tmp_path / "c", seed=4)
    assert sha256_file(a / "model.safetensors") == sha256_file(b / "model.safetensors")
    assert sha256_file(a / "model.safetensors") != sha256_file(c / "model.safetensors")


@pytest.mark.parametrize("name", ["gpt2", "meta-llama/Llama-3.2-1B", "Qwen/Qwen3-0.6B"])
def test_hub_ids_are_refused_without_touching_the_network(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    for call in (resolve_model_dir, load_tokenizer, load_causal_lm, model_info):
        with pytest.raises(DsmError) as exc:
            call(name)
        assert exc.value.code == "E502" and exc.value.exit_code == 2
        assert name in exc.value.message
        assert "local folders only" in exc.value.hint


def test_missing_folder_error_says_what_a_model_folder_holds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    # a relative path under an existing folder is a mistyped path, not a hub id
    for missing in ("models/base", str(tmp_path / "nope" / "model"), "./base"):
        with pytest.raises(DsmError) as exc:
            load_causal_lm(missing)
        assert exc.value.code == "E501" and exc.value.exit_code == 2
        assert "no such folder" in exc.value.message
        assert "config.json" in exc.value.hint and "tokenizer.json" in exc.value.hint


def test_incomplete_folders_name_the_missing_part(models, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DsmError, match="config.json is missing"):
        resolve_model_dir(empty)
    (empty / "config.json").write_text((models["Llama"] / "config.json").read_text())
    with pytest.raises(DsmError, match="no tokenizer files"):
        resolve_model_dir(empty)
    (empty / "tokenizer.json").write_text((models["Llama"] / "tokenizer.json").read_text())
    assert resolve_model_dir(empty) == empty.resolve()
    with pytest.raises(DsmError, match="no weights") as exc:
        load_causal_lm(empty)
    assert exc.value.code == "E501"
    a_file = tmp_path / "weights.bin"
    a_file.write_bytes(b"x")
    with pytest.raises(DsmError, match="not a folder"):
        resolve_model_dir(a_file)


def test_unsupported_family_is_refused(models, tmp_path):
    d = tmp_path / "gpt2like"
    d.mkdir()
    for f in models["Llama"].iterdir():
        (d / f.name).write_bytes(f.read_bytes())
    cfg = json.loads((d / "config.json").read_text())
    cfg["model_type"] = "gpt2"
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(DsmError) as exc:
        load_causal_lm(d)
    assert exc.value.code == "E503" and "Gemma3" in exc.value.hint
    assert model_info(d)["family"] is None


def test_device_and_dtype_selection(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert select_device_dtype() == (torch.device("cpu"), torch.float32)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert select_device_dtype() == (torch.device("cuda"), torch.bfloat16)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert select_device_dtype() == (torch.device("cpu"), torch.float32)


def test_dtype_option_is_applied_and_checked(models):
    model, _ = load_causal_lm(models["Mistral"], device="cpu", dtype="bf16")
    assert next(model.parameters()).dtype == torch.bfloat16
    with pytest.raises(DsmError) as exc:
        load_causal_lm(models["Mistral"], device="cpu", dtype="int3")
    assert exc.value.code == "E506"


def test_model_info_reports_the_folder(models):
    info = model_info(models["Gemma3"])
    cfg = json.loads((models["Gemma3"] / "config.json").read_text())
    assert info["model_type"] == "gemma3_text"
    assert info["vocab_size"] == cfg["vocab_size"] == info["tokenizer_size"]
    assert info["context_length"] == 512 and info["layers"] == 2 and info["hidden_size"] == 64
    assert info["dtype"] == "float32"
    assert info["special_tokens"]["mask"] == {"token": MASK_TOKEN, "id": 2}
    assert info["special_tokens"]["eos"]["token"] == EOS_TOKEN
    assert info["weights"] == ["model.safetensors"] and info["weights_bytes"] > 4 * info["parameters"]
    assert info["manifest"]["kind"] == "tiny_model"
    assert info["manifest"]["config"]["family"] == "Gemma3"
    json.dumps(info)  # the CLI prints it as JSON


def test_bpe_tokenizer_special_tokens_and_saved_copy(tmp_path):
    tok = train_bpe_tokenizer(ITALIAN * 20, vocab_size=400, out_dir=tmp_path / "tok")
    assert (tok.pad_token, tok.eos_token, tok.bos_token, tok.mask_token) == (
        PAD_TOKEN, EOS_TOKEN, EOS_TOKEN, MASK_TOKEN)
    assert [tok.pad_token_id, tok.eos_token_id, tok.mask_token_id] == [0, 1, 2]
    assert 256 + 3 < len(tok) <= 400  # merges were learnt, the cap holds
    ids = tok("nega <mask> nel padre")["input_ids"]
    assert tok.mask_token_id in ids  # the mask token is one piece, never split
    assert tok.unk_token is None  # byte-level: nothing is unknown
    from transformers import AutoTokenizer

    again = AutoTokenizer.from_pretrained(str(tmp_path / "tok"), local_files_only=True)
    assert again(ITALIAN[2])["input_ids"] == tok(ITALIAN[2])["input_ids"]
    assert again.mask_token == MASK_TOKEN and again.pad_token == PAD_TOKEN


def test_vocab_size_below_the_byte_alphabet_is_refused():
    with pytest.raises(DsmError) as exc:
        train_bpe_tokenizer(ITALIAN, vocab_size=100)
    assert exc.value.code == "E506"


@pytest.fixture(scope="module")
def italian_tokenizer():
    return train_bpe_tokenizer(ITALIAN * 20, vocab_size=400)


@pytest.mark.parametrize("text", ITALIAN)
def test_accented_italian_round_trips(italian_tokenizer, text):
    ids = italian_tokenizer(text)["input_ids"]
    assert italian_tokenizer.decode(ids) == text
    # merges learnt on the corpus make accented words shorter than their bytes
    assert len(ids) < len(text.encode("utf-8"))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_any_text_round_trips(italian_tokenizer, text):
    assert italian_tokenizer.decode(italian_tokenizer(text)["input_ids"]) == text


def test_hub_id_shape_rules(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert loading.looks_like_hub_id("gpt2")
    assert loading.looks_like_hub_id("mistralai/Mistral-7B-v0.1")
    assert not loading.looks_like_hub_id("/abs/path")
    assert not loading.looks_like_hub_id("./rel")
    assert not loading.looks_like_hub_id("a/b/c")
    (tmp_path / "models").mkdir()
    assert not loading.looks_like_hub_id("models/base")


def test_pytorch_bin_folders_load_and_are_counted_without_weights_in_memory(tmp_path):
    from safetensors.torch import load_file

    d = build_tiny_model("Qwen2", tmp_path / "bin")
    expected = model_info(d)["parameters"]
    torch.save(load_file(d / "model.safetensors"), d / "pytorch_model.bin")
    (d / "model.safetensors").unlink()
    info = model_info(d)
    assert info["weights"] == ["pytorch_model.bin"]
    assert info["parameters"] == expected  # counted on the meta device
    model, _ = load_causal_lm(d, device="cpu")
    assert model.num_parameters() == expected
