"""The guard every command runs in: policy decision before, audit record after.

`governed(...)` is the one place where a command meets the policy and the audit log. It is
used by the `stage` decorator (dsm_clinic/governance/stage.py) that wraps every library entry
point, so a Python caller goes through it exactly like the CLI does.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dsm_clinic import __version__
from dsm_clinic.errors import EXIT_DENIED, EXIT_INTERNAL, DsmError, error
from dsm_clinic.governance.audit import AuditLog, read_key
from dsm_clinic.governance.network import network_blocked
from dsm_clinic.governance.policy import Actor, Decision, LoadedPolicy, decide, load_policy
from dsm_clinic.io.manifest import file_ref, utc_now
from dsm_clinic.workspace import Workspace

Progress = Callable[..., None]


@dataclass
class Run:
    """What a governed command may do besides its work: declare files and report progress."""

    workspace: Workspace
    command: str
    policy: LoadedPolicy
    actor: Actor
    on_progress: Progress | None = None
    inputs: list[dict] = field(default_factory=list)
    outputs: list[dict] = field(default_factory=list)

    def input(self, path: str | Path, records: int | None = None) -> None:
        """Record an input file or folder (path, sha256, records) in the audit record."""
        self._add(self.inputs, path, records)

    def output(self, path: str | Path, records: int | None = None) -> None:
        """Record an output file or folder (path, sha256, records) in the audit record."""
        self._add(self.outputs, path, records)

    def _add(self, refs: list[dict], path: str | Path, records: int | None) -> None:
        p = Path(path)
        if not p.exists():
            return
        ref = file_ref(p, records, base=self.workspace.root)
        refs[:] = [r for r in refs if r["path"] != ref["path"]] + [ref]

    def progress(self, task: str, completed: int, total: int | None = None, **metrics) -> None:
        if self.on_progress is not None:
            self.on_progress(task, completed, total, **metrics)


def open_audit_log(ws: Workspace) -> AuditLog:
    """The workspace's audit log, with its HMAC key when dsm-clinic.yaml names one (E204 when
    that key is unusable)."""
    kp = ws.hmac_key_path
    return AuditLog(ws.audit_path, key=read_key(kp) if kp is not None else None)


@contextlib.contextmanager
def governed(
    workspace: Workspace,
    command: str,
    *,
    options: dict,
    inputs: list[Path] = (),
    note_inputs: list[Path] = (),
    model_dirs: list[Path] = (),
    on_progress: Progress | None = None,
) -> Iterator[Run]:
    """Evaluate the policy for `command`, run the body with the network refused, and append
    one audit record with the decision and the outcome.

    Raises E201 (policy unusable) or E202 (denied) before the body runs; re-raises whatever
    the body raises after recording it. `options` must hold paths and scalars only, never
    note text.
    """
    started, t0 = utc_now(), time.monotonic()
    actor = Actor.current()
    log = open_audit_log(workspace)
    record = {
        "time": started, "user": actor.user, "host": actor.host, "pid": os.getpid(),
        "command": command, "options": options, "policy": None,
        "decision": None, "inputs": [], "outputs": [], "outcome": None,
    }

    def finish(status: str, code: str | None = None, exit_code: int = 0, run: Run | None = None):
        record["tool_version"] = __version__
        record["outcome"] = {"status": status, "code": code, "exit_code": exit_code}
        record["duration_s"] = round(time.monotonic() - t0, 3)
        if run is not None:
            record["inputs"], record["outputs"] = run.inputs, run.outputs
        log.append(record)

    try:
        loaded = load_policy(workspace.policy_path)
    except DsmError as exc:
        record["decision"] = Decision(False, [exc.message]).to_dict()
        finish("denied", exc.code, exc.exit_code)
        raise
    record["policy"] = {k: v for k, v in loaded.ref().items() if k != "path"}
    decision = decide(loaded.policy, command=command, actor=actor, workspace_root=workspace.root,
                      note_inputs=list(note_inputs), model_dirs=list(model_dirs))
    if loaded.policy.audit.require_hmac and log.key is None:
        decision = Decision(False, [r for r in decision.reasons if r != "allowed"] + [
            "this policy requires HMAC-signed audit records and the workspace names no "
            "audit.hmac_key_file"])
    record["decision"] = decision.to_dict()
    run = Run(workspace=workspace, command=command, policy=loaded, actor=actor,
              on_progress=on_progress)
    for p in [*inputs, *note_inputs, *model_dirs]:
        run.input(p)
    if not decision.allowed:
        finish("denied", "E202", EXIT_DENIED, run)
        raise error("E202", policy=loaded.policy.id, reasons="; ".join(decision.reasons))
    try:
        with network_blocked():
            yield run
    except DsmError as exc:
        finish("error", exc.code, exc.exit_code, run)
        raise
    except KeyboardInterrupt:
        finish("interrupted", None, 130, run)
        raise
    except BaseException:
        finish("error", "E100", EXIT_INTERNAL, run)
        raise
    finish("ok", None, 0, run)
