"""Validated configuration files: the workspace's dsm-clinic.yaml and YAML loading helpers.

Every file is checked by a pydantic model with extra="forbid"; a bad file gives one readable
message naming the file and the key, never a pydantic dump.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dsm_clinic.errors import DsmError, error

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base for every config model: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem: `key.path: message`."""
    parts = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(top level)"
        parts.append(f"{loc}: {e['msg']}")
    return "; ".join(parts)


def read_yaml(path: str | Path, what: str = "file") -> object:
    """Parse a YAML file; raise E104 when it is missing, unreadable or not YAML."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error("E104", what=what, path=p, detail=exc.__class__.__name__ + ": " + str(exc)) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise error("E104", what=what, path=p, detail=f"not valid YAML ({str(exc).splitlines()[0]})") from exc


def validate(model: type[M], data: object, *, what: str, path: str | Path) -> M:
    """Validate `data` against `model`; raise E103 naming the file and the key."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise error("E103", what=what, path=path, detail="the top level must be a mapping")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error("E103", what=what, path=path, detail=describe_validation_error(exc)) from exc


def load_yaml_model(model: type[M], path: str | Path, *, what: str) -> M:
    """Read and validate a YAML file into `model`. Raises DsmError E103/E104."""
    return validate(model, read_yaml(path, what), what=what, path=path)


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


class AuditSettings(Strict):
    log: str = Field("audit/audit.jsonl", description="audit log, relative to the workspace")
    hmac_key_file: str | None = Field(
        None, description="file holding the HMAC key for audit records (never logged); "
        "relative to the workspace or absolute. Keep it readable only by the service account.")


class DeidSettings(Strict):
    surrogate_key_file: str = Field(
        "secrets/deid-surrogate.key", description="HMAC key that makes surrogates stable per "
        "patient and not reversible without it; relative to the workspace or absolute")
    ner_model: str | None = Field(
        None, description="the NER the analyzer adds to its rules: absent or 'default' for the "
        "one shipped in the package, 'none' for rules only, or a spaCy NER folder made by "
        "'dsm-clinic deid train-ner'")


class WorkspaceConfig(Strict):
    """The schema of dsm-clinic.yaml at the root of a workspace."""

    version: Literal[1] = Field(1, description="schema version of this file")
    name: str = Field(description="a name for this workspace, shown in reports")
    policy: str = Field("policy.yaml", description="the policy file, relative to the workspace")
    audit: AuditSettings = Field(default_factory=AuditSettings)
    models_dir: str = Field("models", description="where local model folders live by default")
    deid: DeidSettings = Field(default_factory=DeidSettings)


__all__ = [
    "AuditSettings", "DeidSettings", "DsmError", "Strict", "WorkspaceConfig", "describe_validation_error",
    "dump_yaml", "load_yaml_model", "read_yaml", "validate",
]
