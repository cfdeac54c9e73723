"""What a model folder holds, read without loading the weights into memory."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from dsm_clinic.io.manifest import MANIFEST, read_manifest
from dsm_clinic.models.families import FAMILIES
from dsm_clinic.models.loading import load_config, quiet_transformers, resolve_model_dir

_SAFETENSORS_DTYPES = {"F32": "float32", "BF16": "bfloat16", "F16": "float16", "F64": "float64",
                       "I64": "int64", "I32": "int32", "I8": "int8", "U8": "uint8"}
_ROLES = ("bos_token", "eos_token", "pad_token", "unk_token", "mask_token")


def _from_safetensors(files: list[Path]) -> tuple[int, str | None]:
    """Parameter count and the dominant dtype, read from safetensors headers only."""
    from safetensors import safe_open

    total = 0
    dtypes: Counter[str] = Counter()
    for f in files:
        with safe_open(str(f), framework="pt") as st:
            for name in st.keys():
                sl = st.get_slice(name)
                n = 1
                for dim in sl.get_shape():
                    n *= dim
                total += n
                dtypes[sl.get_dtype()] += n
    top = dtypes.most_common(1)[0][0] if dtypes else None
    return total, _SAFETENSORS_DTYPES.get(top, top)


def _from_meta_model(config) -> int | None:
    """Parameter count of a model built on the meta device (no memory, no weights read)."""
    import torch
    from transformers import AutoModelForCausalLM

    try:
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(config)
    except (ValueError, KeyError, RuntimeError, TypeError):
        return None
    return model.num_parameters()


def _special_tokens(model_dir: Path) -> tuple[dict, int | None, bool]:
    """Special tokens as the folder defines them, the tokenizer's length, and whether loading
    would add a dedicated pad token."""
    from transformers import AutoTokenizer

    quiet_transformers()
    tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True,
                                        trust_remote_code=False)
    specials = {}
    for role in _ROLES:
        token = getattr(tok, role, None)
        if token is not None:
            specials[role.removesuffix("_token")] = {"token": str(token),
                                                     "id": tok.convert_tokens_to_ids(str(token))}
    return specials, len(tok), tok.pad_token is None


def model_info(model_dir: str | Path) -> dict:
    """Describe a local model folder: family, architecture, parameter count, vocabulary,
    context length, special tokens, dtype, weight files and the folder's manifest (or None).

    `family` is None for a model type dsm-clinic cannot load. Raises DsmError E501/E502
    (folder) or E504 (unreadable config).
    """
    d = resolve_model_dir(model_dir)
    config = load_config(d)
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    model_type = getattr(config, "model_type", None)
    safetensors = sorted(d.glob("*.safetensors"))
    weights = sorted({p.name for pattern in ("*.safetensors", "pytorch_model*.bin")
                      for p in d.glob(pattern)})
    if safetensors:
        parameters, dtype = _from_safetensors(safetensors)
    else:
        parameters = _from_meta_model(config) if model_type in FAMILIES else None
        dtype = None
    if dtype is None:
        cfg_dtype = getattr(config, "dtype", None) or getattr(config, "torch_dtype", None)
        dtype = str(cfg_dtype).removeprefix("torch.") if cfg_dtype is not None else None
    specials, tokenizer_size, pad_added = _special_tokens(d)
    archs = getattr(config, "architectures", None) or []
    return {
        "path": str(d),
        "family": FAMILIES.get(model_type or ""),
        "model_type": model_type,
        "architecture": archs[0] if archs else None,
        "parameters": parameters,
        "vocab_size": getattr(text, "vocab_size", None),
        "tokenizer_size": tokenizer_size,
        "context_length": getattr(text, "max_position_embeddings", None),
        "hidden_size": getattr(text, "hidden_size", None),
        "layers": getattr(text, "num_hidden_layers", None),
        "special_tokens": specials,
        "pad_added_on_load": pad_added,
        "dtype": dtype,
        "weights": weights,
        "weights_bytes": sum((d / name).stat().st_size for name in weights),
        "manifest": read_manifest(d) if (d / MANIFEST).is_file() else None,
    }
