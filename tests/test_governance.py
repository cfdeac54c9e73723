"""Policy evaluation and the guard: fail closed, denials, de-identified inputs, HMAC."""

from __future__ import annotations

import json
import socket

import pytest

from dsm_clinic.errors import DsmError
from dsm_clinic.governance.audit import AuditLog
from dsm_clinic.governance.guard import governed
from dsm_clinic.governance.network import NetworkBlocked
from dsm_clinic.governance.policy import Actor, bundled_policy_path, decide, load_policy
from dsm_clinic.io.manifest import write_manifest
from dsm_clinic.workspace import Workspace
from dsm_clinic.workspace_init import init_workspace
from tests.conftest import read_log


def _notes(folder, status=None):
    folder.mkdir(parents=True, exist_ok=True)
    f = folder / "notes.jsonl"
    f.write_text('{"id": "1", "text": "Paziente con asma."}\n')
    if status:
        write_manifest(folder, kind="corpus", data_status=status)
    return f


@pytest.mark.parametrize("breakage", ["missing", "invalid_yaml", "unknown_key", "wrong_type"])
def test_unusable_policy_refuses_every_command_and_is_audited(workspace, breakage):
    p = workspace.policy_path
    if breakage == "missing":
        p.unlink()
    elif breakage == "invalid_yaml":
        p.write_text("id: [unclosed\n")
    elif breakage == "unknown_key":
        p.write_text(p.read_text() + "allow_everything: true\n")
    else:
        p.write_text(p.read_text().replace("allow_synthetic: true", "allow_synthetic: maybe"))
    ran = []
    with pytest.raises(DsmError) as info:
        with governed(workspace, "audit show", options={}):
            ran.append(True)
    assert not ran
    assert info.value.code == "E201" and info.value.exit_code == 3
    last = read_log(workspace)[-1]
    assert last["outcome"] == {"status": "denied", "code": "E201", "exit_code": 3}
    assert last["policy"] is None and last["decision"]["allowed"] is False


def test_unknown_policy_key_is_named(workspace):
    workspace.policy_path.write_text(workspace.policy_path.read_text() + "allow_everything: true\n")
    with pytest.raises(DsmError) as info:
        load_policy(workspace.policy_path)
    assert "allow_everything" in info.value.message


def test_strict_policy_reserves_training_to_its_group(tmp_path):
    policy = load_policy(bundled_policy_path("strict")).policy
    outsider = Actor(user="mrossi", groups=["staff"], host="h")
    trainer = Actor(user="lbianchi", groups=["staff", "dsm-trainers"], host="h")
    denied = decide(policy, command="train classifier", actor=outsider, workspace_root=tmp_path)
    assert not denied.allowed and "dsm-trainers" in denied.reasons[0]
    assert decide(policy, command="train classifier", actor=trainer, workspace_root=tmp_path).allowed
    assert decide(policy, command="export onnx", actor=trainer, workspace_root=tmp_path).allowed
    assert not decide(policy, command="export onnx", actor=outsider, workspace_root=tmp_path).allowed
    # reading the audit log is open to every user
    assert decide(policy, command="audit show", actor=outsider, workspace_root=tmp_path).allowed


def test_training_input_needs_a_deidentification_manifest(workspace):
    raw = _notes(workspace.root / "raw")
    with pytest.raises(DsmError) as info:
        with governed(workspace, "model init", options={}, note_inputs=[raw]):
            pass
    assert info.value.exit_code == 3 and "deid run" in info.value.message
    last = read_log(workspace)[-1]
    assert last["outcome"]["status"] == "denied"
    assert last["inputs"][0]["path"] == "raw/notes.jsonl"  # hashed, by path, never its text
    assert "asma" not in workspace.audit_path.read_text()


def test_synthetic_corpus_is_allowed_by_default_and_refused_by_strict(tmp_path):
    default = load_policy(bundled_policy_path("default")).policy
    strict = load_policy(bundled_policy_path("strict")).policy
    actor = Actor(user="u", groups=["dsm-trainers"], host="h")
    synth = _notes(tmp_path / "synth", "synthetic")
    deid = _notes(tmp_path / "deid", "deidentified")
    kw = dict(command="model init", actor=actor, workspace_root=tmp_path)
    assert decide(default, note_inputs=[synth], **kw).allowed
    assert not decide(strict, note_inputs=[synth], **kw).allowed
    assert decide(strict, note_inputs=[deid], **kw).allowed


def test_model_folder_outside_allowed_dirs_is_denied(tmp_path):
    strict = load_policy(bundled_policy_path("strict")).policy
    actor = Actor(user="u", groups=["dsm-trainers"], host="h")
    (tmp_path / "models" / "base").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    kw = dict(command="relevance run", actor=actor, workspace_root=tmp_path)
    assert decide(strict, model_dirs=[tmp_path / "models" / "base"], **kw).allowed
    d = decide(strict, model_dirs=[tmp_path / "elsewhere"], **kw)
    assert not d.allowed and "outside the allowed folders" in d.reasons[0]
    # ../ tricks resolve before the check
    assert not decide(strict, model_dirs=[tmp_path / "models" / ".." / "elsewhere"], **kw).allowed


def test_outcomes_are_recorded(workspace):
    with governed(workspace, "audit show", options={"limit": 3}) as run:
        run.progress("x", 1, 1)
    with pytest.raises(DsmError):
        with governed(workspace, "audit show", options={}):
            raise DsmError("E301", "cannot read x", "", 2)
    with pytest.raises(RuntimeError):
        with governed(workspace, "audit show", options={}):
            raise RuntimeError("bug")
    ok, err, bug = read_log(workspace)[-3:]
    assert ok["outcome"] == {"status": "ok", "code": None, "exit_code": 0}
    assert ok["options"] == {"limit": 3} and ok["policy"]["id"] == "dsm-default"
    assert err["outcome"] == {"status": "error", "code": "E301", "exit_code": 2}
    assert bug["outcome"] == {"status": "error", "code": "E100", "exit_code": 1}
    for rec in (ok, err, bug):
        assert {"seq", "time", "user", "host", "command", "decision", "duration_s", "prev_hash",
                "hash", "tool_version"} <= set(rec)
    assert AuditLog(workspace.audit_path).verify().ok


@pytest.mark.network_attempt_expected
def test_commands_run_with_the_network_refused(workspace):
    with governed(workspace, "audit show", options={}):
        with pytest.raises(NetworkBlocked) as info:
            socket.create_connection(("192.0.2.10", 443), timeout=1)
        assert isinstance(info.value, ConnectionRefusedError) and info.value.code == "E206"


def test_loopback_stays_open(workspace):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        with governed(workspace, "audit show", options={}):
            c = socket.create_connection(server.getsockname(), timeout=2)
            c.close()
    finally:
        server.close()


def test_strict_workspace_signs_every_record(tmp_path):
    result = init_workspace(tmp_path / "ws", policy_file=bundled_policy_path("strict"))
    assert result["generated_key"]
    ws = Workspace.open(tmp_path / "ws")
    key_file = ws.hmac_key_path
    assert key_file.stat().st_mode & 0o077 == 0
    with governed(ws, "audit show", options={}):
        pass
    recs = read_log(ws)
    assert all("hmac" in r for r in recs)
    assert key_file.read_text().strip() not in ws.audit_path.read_text()


def test_strict_policy_without_key_refuses(tmp_path):
    init_workspace(tmp_path / "ws", policy_file=bundled_policy_path("strict"))
    cfg = tmp_path / "ws" / "dsm-clinic.yaml"
    cfg.write_text(cfg.read_text().replace("hmac_key_file: secrets/audit-hmac.key", "hmac_key_file: null"))
    ws = Workspace.open(tmp_path / "ws")
    with pytest.raises(DsmError) as info:
        with governed(ws, "audit show", options={}):
            pass
    assert info.value.exit_code == 3 and "HMAC" in info.value.message
    assert json.loads(ws.audit_path.read_text().splitlines()[-1])["outcome"]["status"] == "denied"
