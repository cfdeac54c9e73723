"""Creating a workspace, as a governed, audited act."""

from __future__ import annotations

from pathlib import Path

from dsm_clinic.governance.audit import new_key_file
from dsm_clinic.governance.guard import governed
from dsm_clinic.governance.policy import load_policy
from dsm_clinic.workspace import CONFIG_FILE, Workspace

GENERATED_KEY = "secrets/audit-hmac.key"


def init_workspace(directory: str | Path, *, policy_file: Path, name: str | None = None,
                   hmac_key_file: str | Path | None = None) -> dict:
    """Create a workspace in `directory` under a copy of `policy_file`; return a summary.

    The policy is validated before anything is written (E201, exit 3, when it is not usable).
    Under a policy that requires HMAC and without `hmac_key_file`, a key is generated in the
    workspace's secrets/ folder. Raises E102 when `directory` already holds a workspace."""
    loaded = load_policy(policy_file)
    root = Path(directory).resolve()
    generated = None
    key_setting = str(Path(hmac_key_file).resolve()) if hmac_key_file else None
    if loaded.policy.audit.require_hmac and key_setting is None:
        if not (root / CONFIG_FILE).exists() and not (root / GENERATED_KEY).exists():
            generated = new_key_file(root / GENERATED_KEY)
        key_setting = GENERATED_KEY
    ws = Workspace.create(root, policy_file=policy_file, name=name, hmac_key_file=key_setting)
    if not ws.surrogate_key_path.exists():
        new_key_file(ws.surrogate_key_path)
    with governed(ws, "init", options={"policy": loaded.policy.id, "policy_sha256": loaded.sha256,
                                       "hmac": key_setting is not None}) as run:
        run.output(ws.policy_path)
    return {"workspace": str(ws.root), "policy": loaded.ref(),
            "generated_key": str(generated) if generated else None}
