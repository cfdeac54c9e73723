"""The policy model and its evaluation.

A policy is a YAML file validated by a versioned pydantic model. It is read fresh by every
command; when it is missing, unreadable or invalid every command refuses to run.
"""

from __future__ import annotations

import fnmatch
import grp
import os
import pwd
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from dsm_clinic.config import Strict, read_yaml, validate
from dsm_clinic.errors import DsmError, error
from dsm_clinic.io.hashing import sha256_bytes
from dsm_clinic.io.manifest import data_status

BUNDLED = ("default", "strict")


class AccessRule(Strict):
    commands: list[str] = Field(description="command patterns, e.g. 'train *' or 'export onnx'")
    users: list[str] = Field(default_factory=list, description="OS users allowed to run them")
    groups: list[str] = Field(default_factory=list, description="OS groups allowed to run them")

    @field_validator("commands")
    @classmethod
    def _non_empty(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("list at least one command pattern")
        return v


class ModelRules(Strict):
    allowed_dirs: list[str] = Field(
        description="folders under which model folders may be loaded from; relative entries "
        "are relative to the workspace")


class AuditRules(Strict):
    require_hmac: bool = Field(False, description="refuse to run unless audit records carry an HMAC")


class Policy(Strict):
    """Schema version 1 of a dsm-clinic policy."""

    schema_version: Literal[1] = Field(description="version of this policy schema")
    id: str = Field(min_length=1, description="stable identifier shown in every audit record")
    version: str = Field(min_length=1, description="the policy's own version, bumped on change")
    description: str = ""
    network: Literal["forbidden"] = Field(
        "forbidden", description="the only value: commands run with outbound connections refused")
    require_deidentified: list[str] = Field(
        default_factory=list,
        description="command patterns whose note inputs must be de-identified (or synthetic, "
        "when allow_synthetic is true)")
    allow_synthetic: bool = Field(True, description="treat synthetic corpora like de-identified ones")
    models: ModelRules
    access: list[AccessRule] = Field(
        default_factory=list, description="commands restricted to named users or groups; "
        "commands no rule names are open to every user")
    audit: AuditRules = Field(default_factory=AuditRules)


@dataclass
class LoadedPolicy:
    policy: Policy
    path: Path
    sha256: str

    def ref(self) -> dict:
        return {"id": self.policy.id, "version": self.policy.version, "sha256": self.sha256,
                "path": str(self.path)}


def bundled_policy_path(name: str) -> Path:
    """Path of a policy shipped with the package ('default' or 'strict')."""
    return Path(__file__).resolve().parent.parent / "policies" / f"{name}.yaml"


def load_policy(path: str | Path) -> LoadedPolicy:
    """Load and validate a policy. Every failure is E201 (denied, exit 3): fail closed."""
    p = Path(path)
    try:
        raw = p.read_bytes()
        data = read_yaml(p, "policy")
        policy = validate(Policy, data, what="policy", path=p)
    except DsmError as exc:
        raise error("E201", detail=exc.message, path=p) from exc
    except OSError as exc:
        raise error("E201", detail=f"cannot read {p}: {exc.strerror or exc}", path=p) from exc
    return LoadedPolicy(policy=policy, path=p, sha256=sha256_bytes(raw))


@dataclass
class Actor:
    user: str
    groups: list[str]
    host: str

    @classmethod
    def current(cls) -> Actor:
        uid = os.getuid()
        try:
            user = pwd.getpwuid(uid).pw_name
        except KeyError:
            user = str(uid)
        names = set()
        for gid in os.getgroups() + [os.getgid()]:
            try:
                names.add(grp.getgrgid(gid).gr_name)
            except KeyError:
                names.add(str(gid))
        return cls(user=user, groups=sorted(names), host=os.uname().nodename)


@dataclass
class Decision:
    allowed: bool
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"allowed": self.allowed, "reasons": list(self.reasons)}


def _matches(command: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(command, pat) for pat in patterns)


def _inside(path: Path, roots: list[Path]) -> bool:
    rp = path.resolve()
    return any(rp == r or r in rp.parents for r in roots)


def decide(
    policy: Policy,
    *,
    command: str,
    actor: Actor,
    workspace_root: Path,
    note_inputs: list[Path] = (),
    model_dirs: list[Path] = (),
) -> Decision:
    """Evaluate the policy for one command. Returns the decision with every reason found."""
    reasons: list[str] = []
    for rule in policy.access:
        if _matches(command, rule.commands):
            if actor.user in rule.users or set(actor.groups) & set(rule.groups):
                continue
            who = ", ".join([*(f"user {u}" for u in rule.users), *(f"group {g}" for g in rule.groups)])
            reasons.append(f"'{command}' is reserved to {who or 'nobody'}; user {actor.user} is not one of them")
    if _matches(command, policy.require_deidentified):
        for p in note_inputs:
            status = data_status(p)
            if status == "deidentified" or (status == "synthetic" and policy.allow_synthetic):
                continue
            if status == "synthetic":
                reasons.append(f"{p} is synthetic and this policy accepts only de-identified notes; "
                               "run 'dsm-clinic deid run' on it")
            else:
                reasons.append(f"{p} has no de-identification manifest; run 'dsm-clinic deid run' first")
    roots = [(workspace_root / d) if not Path(d).is_absolute() else Path(d)
             for d in policy.models.allowed_dirs]
    for m in model_dirs:
        if not _inside(Path(m), [r.resolve() for r in roots]):
            reasons.append(f"model folder {m} is outside the allowed folders "
                           f"({', '.join(policy.models.allowed_dirs)})")
    return Decision(allowed=not reasons, reasons=reasons or ["allowed"])
