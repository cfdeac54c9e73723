"""Tiny randomly initialised models of each supported family, saved as local model folders.

They stand in for a hospital's own models in tests and fixtures: same folder layout, same
loading path, a few hundred thousand parameters, built in well under a second.
"""

from __future__ import annotations

from pathlib import Path

import torch

from dsm_clinic.errors import error
from dsm_clinic.io.manifest import write_manifest
from dsm_clinic.models.families import FAMILIES, model_type_of
from dsm_clinic.models.loading import quiet_transformers
from dsm_clinic.models.tokenizer import EOS_TOKEN, MASK_TOKEN, train_bpe_tokenizer

# Enough Italian clinical text for a byte-level BPE to learn a few hundred merges.
SAMPLE_TEXT = (
    "Lettera di dimissione. Il pz, di 67 aa, è stato ricoverato per dispnea e tosse. "
    "Anamnesi: ipertensione arteriosa, diabete mellito tipo 2 in terapia con metformina 500 mg bid. "
    "Nega fumo, nega allergie. Asma bronchiale nel padre. ECG: ritmo sinusale, FC 78 bpm, PA 135/80. "
    "Si sospetta fibrillazione atriale parossistica; si avvia apixaban 5 mg bid. "
    "Visita neurologica: crisi epilettiche in trattamento con levetiracetam, buona compliance. "
    "Tampone per SARS-CoV-2 negativo. Paziente parzialmente dipendente nelle attività quotidiane. "
    "Portatore di pacemaker bicamerale dal 2019; non defibrillatore impiantabile. "
    "Scompenso cardiaco con frazione di eiezione ridotta; controllo ambulatoriale tra tre mesi. "
    "Perché la terapia è così efficace? Città, età, attività: accenti à è é ì ò ù."
)


def _tiny_config(model_type: str, *, vocab_size: int, hidden: int, layers: int, heads: int,
                 max_positions: int, bos_id: int | None, eos_id: int | None, pad_id: int | None):
    from transformers import AutoConfig

    kv_heads = max(1, heads // 2)  # grouped-query attention, as in the real families
    common = dict(
        vocab_size=vocab_size, hidden_size=hidden, intermediate_size=hidden * 2,
        num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=kv_heads,
        max_position_embeddings=max_positions, bos_token_id=bos_id, eos_token_id=eos_id,
        pad_token_id=pad_id, tie_word_embeddings=True,
    )
    extra: dict = {}
    if model_type in ("qwen3", "gemma3_text"):
        extra["head_dim"] = hidden // heads
    if model_type == "mistral":
        extra["sliding_window"] = max_positions // 2
    if model_type == "gemma3_text":
        extra.update(head_dim=hidden // heads, sliding_window=max_positions // 4,
                     layer_types=[("full_attention" if (i + 1) % 2 == 0 else "sliding_attention")
                                  for i in range(layers)])
    return AutoConfig.for_model(model_type, **common, **extra)


def build_tiny_model(
    family: str,
    out_dir: str | Path,
    *,
    vocab_size: int | None = None,
    hidden: int = 64,
    layers: int = 2,
    heads: int = 4,
    max_positions: int = 512,
    seed: int = 0,
    tokenizer=None,
    pad_token: bool = True,
) -> Path:
    """Save a tiny random model of `family` plus a tokenizer into `out_dir`; return its path.

    `family` is a family or model_type name (Llama, Qwen2, Qwen3, Mistral, Gemma3).
    `tokenizer` (a transformers tokenizer) defaults to a byte-level BPE trained on SAMPLE_TEXT;
    `pad_token=False` then leaves it without a pad token, like Llama-3 tokenizers. `vocab_size`
    defaults to the tokenizer's length; a larger one leaves unused rows, as Qwen does.
    Weights depend only on `seed` and the shapes. Raises DsmError E503 (family) or E506.
    """
    from transformers import AutoModelForCausalLM

    model_type = model_type_of(family)
    if hidden % heads:
        raise error("E506", option="hidden", detail=f"{hidden} is not a multiple of heads={heads}",
                    allowed="pick hidden as a multiple of heads")
    if tokenizer is None:
        specials = ("<pad>", EOS_TOKEN, MASK_TOKEN) if pad_token else (EOS_TOKEN, MASK_TOKEN)
        tokenizer = train_bpe_tokenizer([SAMPLE_TEXT] * 4, vocab_size=1024, special_tokens=specials,
                                        model_max_length=max_positions, min_frequency=1)
    n_vocab = len(tokenizer) if vocab_size is None else vocab_size
    if n_vocab < len(tokenizer):
        raise error("E506", option="vocab_size", detail=f"{n_vocab} < tokenizer size {len(tokenizer)}",
                    allowed="leave vocab_size unset to use the tokenizer's size")
    config = _tiny_config(model_type, vocab_size=n_vocab, hidden=hidden, layers=layers, heads=heads,
                          max_positions=max_positions, bos_id=tokenizer.bos_token_id,
                          eos_id=tokenizer.eos_token_id, pad_id=tokenizer.pad_token_id)
    quiet_transformers()
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    write_manifest(out, kind="tiny_model", config={
        "family": FAMILIES[model_type], "model_type": model_type, "vocab_size": n_vocab,
        "hidden": hidden, "layers": layers, "heads": heads, "max_positions": max_positions,
        "seed": seed})
    return out
