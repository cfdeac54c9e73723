"""A workspace: the folder holding dsm-clinic.yaml, the policy copy, the audit log and the
artifacts. Every command except `init` and `demo` runs inside one."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dsm_clinic.config import WorkspaceConfig, dump_yaml, load_yaml_model
from dsm_clinic.errors import error
from dsm_clinic.governance.audit import AuditLog
from dsm_clinic.io.atomic import atomic_write_text

CONFIG_FILE = "dsm-clinic.yaml"
ENV_VAR = "DSM_CLINIC_WORKSPACE"


@dataclass
class Workspace:
    root: Path
    config: WorkspaceConfig

    @classmethod
    def open(cls, path: str | Path | None = None) -> Workspace:
        """Open the workspace at `path` (default: $DSM_CLINIC_WORKSPACE, else the current
        folder). Raises E101 when there is none, E103/E104 when its config is invalid."""
        root = Path(path or os.environ.get(ENV_VAR) or ".").resolve()
        cfg = root / CONFIG_FILE
        if not cfg.is_file():
            raise error("E101", path=root)
        return cls(root=root, config=load_yaml_model(WorkspaceConfig, cfg, what="workspace config"))

    @classmethod
    def create(cls, path: str | Path, *, policy_file: Path, name: str | None = None,
               hmac_key_file: str | None = None) -> Workspace:
        """Create a workspace: config, a copy of `policy_file`, an empty audit log.

        Raises E102 when `path` already holds a workspace."""
        root = Path(path).resolve()
        if (root / CONFIG_FILE).exists():
            raise error("E102", path=root)
        root.mkdir(parents=True, exist_ok=True)
        config = WorkspaceConfig(name=name or root.name)
        if hmac_key_file:
            config.audit.hmac_key_file = hmac_key_file
        shutil.copyfile(policy_file, root / config.policy)
        (root / config.models_dir).mkdir(exist_ok=True)
        atomic_write_text(root / CONFIG_FILE, dump_yaml(config.model_dump(mode="json")))
        ws = cls(root=root, config=config)
        AuditLog(ws.audit_path).create()
        return ws

    def resolve(self, p: str | Path) -> Path:
        """A path as given to the library: relative paths are relative to the workspace."""
        p = Path(p).expanduser()
        return p if p.is_absolute() else (self.root / p)

    def shown(self, p: str | Path) -> str:
        """How a path is written into audit records: relative when inside the workspace."""
        rp = Path(p).resolve()
        try:
            return rp.relative_to(self.root).as_posix()
        except ValueError:
            return str(rp)

    @property
    def policy_path(self) -> Path:
        return self.resolve(self.config.policy)

    @property
    def audit_path(self) -> Path:
        return self.resolve(self.config.audit.log)

    @property
    def surrogate_key_path(self) -> Path:
        return self.resolve(self.config.deid.surrogate_key_file)

    @property
    def hmac_key_path(self) -> Path | None:
        k = self.config.audit.hmac_key_file
        return self.resolve(k) if k else None
