"""The decoder-only model families dsm-clinic supports, keyed by config.json's `model_type`."""

from __future__ import annotations

from pathlib import Path

from dsm_clinic.errors import error

# model_type -> family name shown to users. Gemma3 is supported text-only: the multimodal
# "gemma3" checkpoints (4B and up) carry a vision tower the relevance methods do not handle.
FAMILIES: dict[str, str] = {
    "llama": "Llama",
    "qwen2": "Qwen2",
    "qwen3": "Qwen3",
    "mistral": "Mistral",
    "gemma3_text": "Gemma3",
}

SUPPORTED = "Llama, Qwen2, Qwen3, Mistral, Gemma3 (text-only, model_type gemma3_text)"


def family_of(model_type: str | None, path: str | Path = "?") -> str:
    """Return the family name of a config's `model_type`.

    Raises DsmError E503 for any other model type.
    """
    family = FAMILIES.get(model_type or "")
    if family is None:
        raise error("E503", model_type=model_type or "(none)", path=str(path), supported=SUPPORTED)
    return family


def model_type_of(family: str) -> str:
    """Return the `model_type` of a family name ("Llama", "llama", "gemma3" ... all work).

    Raises DsmError E503 for an unknown family.
    """
    key = family.strip().lower()
    for model_type, name in FAMILIES.items():
        if key in (model_type, name.lower()):
            return model_type
    raise error("E503", model_type=family, path="(requested)", supported=SUPPORTED)
