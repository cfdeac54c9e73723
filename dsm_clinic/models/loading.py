"""Load a tokenizer and a causal LM from a local Hugging Face folder, never from the hub.

Every transformers call gets an absolute path of an existing folder and local_files_only=True,
so nothing here can open a network connection, whatever the environment says. torch and
transformers are imported inside the functions that need them: checking a path stays cheap.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from dsm_clinic.errors import error
from dsm_clinic.models.families import family_of

if TYPE_CHECKING:
    import torch

CONFIG_FILE = "config.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json")
WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin", "*.safetensors.index.json")
DEDICATED_PAD = "<pad>"

# "gpt2", "meta-llama/Llama-3.2-1B": one or two name parts, no leading dot or slash
_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")

_DTYPE_NAMES = {
    "bf16": "bfloat16", "bfloat16": "bfloat16",
    "fp16": "float16", "float16": "float16", "half": "float16",
    "fp32": "float32", "float32": "float32", "float": "float32",
}


def looks_like_hub_id(name: str) -> bool:
    """True for a string shaped like a hub id whose first part is no local folder."""
    if not _HUB_ID.match(name) or name.endswith((".json", ".safetensors", ".bin")):
        return False
    # "models/base" with a local models/ folder is a mistyped path, not a hub id
    return "/" not in name or not Path(name.split("/", 1)[0]).is_dir()


def resolve_model_dir(path: str | Path) -> Path:
    """Return the absolute path of a local model folder holding config.json and tokenizer files.

    Raises DsmError E502 for a hub-id-looking name that is no local folder, E501 for a missing
    folder, a file, or a folder lacking config.json or tokenizer files.
    """
    raw = str(path)
    p = Path(raw).expanduser()
    if not p.exists():
        if looks_like_hub_id(raw):
            raise error("E502", name=raw)
        raise error("E501", path=raw, detail="no such folder")
    if not p.is_dir():
        raise error("E501", path=raw, detail="it is a file, not a folder")
    p = p.resolve()
    if not (p / CONFIG_FILE).is_file():
        raise error("E501", path=raw, detail=f"{CONFIG_FILE} is missing")
    if not any((p / name).is_file() for name in TOKENIZER_FILES):
        raise error("E501", path=raw, detail="no tokenizer files (" + ", ".join(TOKENIZER_FILES) + ")")
    return p


def has_weights(model_dir: Path) -> bool:
    return any(any(model_dir.glob(pattern)) for pattern in WEIGHT_PATTERNS)


def select_device_dtype() -> tuple[torch.device, torch.dtype]:
    """Return (cuda, bfloat16) when a CUDA device supports bf16, else (cpu, float32)."""
    import torch

    if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return torch.device("cuda"), torch.bfloat16
    return torch.device("cpu"), torch.float32


def _resolve_device_dtype(device, dtype) -> tuple[torch.device, torch.dtype]:
    import torch

    if device is None or device == "auto":
        auto_device, auto_dtype = select_device_dtype()
        device = auto_device
    else:
        device = torch.device(device)
        bf16_ok = device.type == "cuda" and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        auto_dtype = torch.bfloat16 if bf16_ok else torch.float32
    if dtype is None or dtype == "auto":
        dtype = auto_dtype
    elif isinstance(dtype, str):
        if dtype.lower() not in _DTYPE_NAMES:
            raise error("E506", option="dtype", detail=f"unknown dtype '{dtype}'",
                        allowed="use bf16, fp16, fp32 or auto")
        dtype = getattr(torch, _DTYPE_NAMES[dtype.lower()])
    return device, dtype


def ensure_pad_token(tokenizer) -> bool:
    """Give `tokenizer` a pad token: a dedicated added "<pad>" when it has none.

    Returns True when a token was added (the model's embeddings then need resizing).
    """
    if tokenizer.pad_token is not None:
        return False
    # A dedicated pad, not eos: padding must never be confused with a real end of note
    tokenizer.add_special_tokens({"pad_token": DEDICATED_PAD})
    return True


def quiet_transformers() -> None:
    # transformers draws tqdm bars while loading and saving; library code never prints
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def load_tokenizer(model_dir: str | Path):
    """Return the folder's tokenizer (always with a pad token).

    Raises DsmError E501/E502 (see resolve_model_dir) or E504 when transformers cannot read it.
    """
    from transformers import AutoTokenizer

    d = resolve_model_dir(model_dir)
    quiet_transformers()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(d), local_files_only=True,
                                                  trust_remote_code=False)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise error("E504", what="tokenizer", path=str(d), detail=_one_line(exc)) from exc
    ensure_pad_token(tokenizer)
    return tokenizer


def load_config(model_dir: str | Path):
    """Return the folder's transformers config. Raises E501/E502/E504."""
    from transformers import AutoConfig

    d = resolve_model_dir(model_dir)
    try:
        return AutoConfig.from_pretrained(str(d), local_files_only=True, trust_remote_code=False)
    except (OSError, ValueError, KeyError) as exc:
        raise error("E504", what="config", path=str(d), detail=_one_line(exc)) from exc


def load_causal_lm(
    model_dir: str | Path,
    *,
    device: str | torch.device | None = None,
    dtype: str | torch.dtype | None = None,
):
    """Load (model, tokenizer) from a local folder; the model is in eval mode on `device`.

    device/dtype default to select_device_dtype(); dtype may be a torch dtype or "bf16",
    "fp16", "fp32", "auto". When the tokenizer had no pad token a dedicated one is added and
    the embeddings grow to fit; model.config.pad_token_id is always set.
    Raises DsmError E501/E502 (folder), E503 (family), E504 (unreadable), E506 (bad dtype).
    """
    from transformers import AutoModelForCausalLM

    d = resolve_model_dir(model_dir)
    config = load_config(d)
    family_of(getattr(config, "model_type", None), d)
    if not has_weights(d):
        raise error("E501", path=str(d), detail="no weights (*.safetensors or pytorch_model.bin)")
    device, dtype = _resolve_device_dtype(device, dtype)
    tokenizer = load_tokenizer(d)
    quiet_transformers()
    try:
        model = AutoModelForCausalLM.from_pretrained(
            str(d), config=config, local_files_only=True, trust_remote_code=False, dtype=dtype)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise error("E504", what="model", path=str(d), detail=_one_line(exc)) from exc
    if len(tokenizer) > model.get_input_embeddings().weight.shape[0]:
        model.resize_token_embeddings(len(tokenizer))
    model.config.pad_token_id = tokenizer.pad_token_id
    if getattr(model, "generation_config", None) is not None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.to(device)
    model.eval()
    return model, tokenizer


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__
