"""The command line: help, workspaces, exit codes, JSON, audit commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest

from dsm_clinic.cli.main import cli as root


def _walk(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _walk(cmd, (*prefix, name))


def test_every_command_has_help_with_an_example(cli):
    commands = list(_walk(root))
    assert len(commands) >= 10
    for path, _ in [((), root), *commands]:
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        assert "Example:" in result.stdout, f"'dsm-clinic {' '.join(path)} --help' has no Example"


def test_commands_outside_a_workspace_say_to_run_init(cli, tmp_path):
    result = cli("--workspace", str(tmp_path), "audit", "verify")
    assert result.exit_code == 2
    assert "E101" in result.stderr and "dsm-clinic init" in result.stderr
    assert "Traceback" not in result.stderr


def test_workspace_from_environment(cli, tmp_path):
    assert cli("init", str(tmp_path / "ws")).exit_code == 0
    result = cli("audit", "verify", env={"DSM_CLINIC_WORKSPACE": str(tmp_path / "ws")})
    assert result.exit_code == 0 and "intact" in result.stdout


def test_used_workspace_verifies_then_fails_after_a_one_byte_edit(cli, tmp_path):
    ws = str(tmp_path / "ws")
    assert cli("init", ws).exit_code == 0
    for args in (["policy", "show"], ["audit", "show"], ["audit", "report", "--html",
                 str(tmp_path / "r.html")], ["policy", "check", str(tmp_path / "nope.yaml")]):
        cli("--workspace", ws, *args)
    ok = cli("--workspace", ws, "--json", "audit", "verify")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["records"] == 5
    log = tmp_path / "ws" / "audit" / "audit.jsonl"
    data = bytearray(log.read_bytes())
    i = data.index(b'"user":"') + len(b'"user":"')
    data[i] = ord("X") if data[i] != ord("X") else ord("Y")
    log.write_bytes(bytes(data))
    bad = cli("--workspace", ws, "audit", "verify")
    assert bad.exit_code == 2
    assert "E203" in bad.stderr and "line 1" in bad.stderr and "modified" in bad.stderr


def test_exit_codes(cli, tmp_path, monkeypatch):
    ws = str(tmp_path / "ws")
    cli("init", ws)
    assert cli("--workspace", ws, "audit", "show", "--bogus").exit_code == 2  # usage
    assert cli("--workspace", ws, "audit", "show", "--since", "yesterday").exit_code == 2
    (tmp_path / "ws" / "policy.yaml").write_text("schema_version: 2\n")
    denied = cli("--workspace", ws, "audit", "show")
    assert denied.exit_code == 3 and "E201" in denied.stderr and "schema_version" in denied.stderr


def test_internal_errors_are_one_line_unless_verbose(cli, tmp_path, monkeypatch):
    ws = str(tmp_path / "ws")
    cli("init", ws)
    import dsm_clinic.governance.review as review

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(review, "select_records", broken)
    quiet = cli("--workspace", ws, "audit", "show")
    assert quiet.exit_code == 1 and "E100" in quiet.stderr and "Traceback" not in quiet.stderr
    loud = cli("--workspace", ws, "-v", "audit", "show")
    assert loud.exit_code == 1 and "Traceback" in loud.stderr


def test_init_refuses_an_existing_workspace_and_a_bad_policy(cli, tmp_path):
    ws = str(tmp_path / "ws")
    assert cli("init", ws).exit_code == 0
    again = cli("init", ws)
    assert again.exit_code == 2 and "E102" in again.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    refused = cli("init", str(tmp_path / "other"), "--policy", str(bad))
    assert refused.exit_code == 3 and not (tmp_path / "other").exists()


def test_audit_show_filters(cli, tmp_path):
    ws = str(tmp_path / "ws")
    cli("init", ws)
    cli("--workspace", ws, "policy", "show")
    cli("--workspace", ws, "policy", "check", str(tmp_path / "missing.yaml"))

    def show(*args):
        r = cli("--workspace", ws, "--json", "audit", "show", *args)
        assert r.exit_code == 0, r.stderr
        return json.loads(r.stdout)

    assert [r["command"] for r in show("--command", "policy")] == ["policy show", "policy check"]
    assert [r["command"] for r in show("--outcome", "error")] == ["policy check"]
    assert show("--outcome", "denied") == []
    assert show("--since", "2999-01-01") == []
    assert len(show("--until", "2999-01-01")) >= 3
    assert show("--user", "nobody-here") == []
    assert len(show("--limit", "2")) == 2
    table = cli("--workspace", ws, "audit", "show")
    assert "policy show" in table.stdout


def test_audit_report_is_self_contained_and_escaped(cli, tmp_path):
    ws = str(tmp_path / "ws")
    cli("init", ws)
    from dsm_clinic.governance.audit import AuditLog

    AuditLog(tmp_path / "ws" / "audit" / "audit.jsonl").append(
        {"command": "<script>alert(1)</script>", "user": "<b>eve</b>",
         "outcome": {"status": "denied"}, "decision": {"reasons": ["a & b"]}})
    out = tmp_path / "report.html"
    r = cli("--workspace", ws, "audit", "report", "--html", str(out))
    assert r.exit_code == 0
    html = out.read_text()
    assert "<script" not in html and "<link" not in html and "http" not in html.lower().replace(
        "http-equiv", "")
    assert "&lt;script&gt;" in html and "&lt;b&gt;eve&lt;/b&gt;" in html
    assert "Intact" in html and "Policy denials" in html and "a &amp; b" in html


def test_policy_check(cli, tmp_path):
    ws = str(tmp_path / "ws")
    cli("init", ws)
    from dsm_clinic.governance.policy import bundled_policy_path

    good = cli("--workspace", ws, "policy", "check", str(bundled_policy_path("strict")))
    assert good.exit_code == 0 and "dsm-strict" in good.stdout
    bad = tmp_path / "p.yaml"
    bad.write_text(bundled_policy_path("strict").read_text().replace("require_hmac", "need_hmac"))
    r = cli("--workspace", ws, "policy", "check", str(bad))
    assert r.exit_code == 3 and "need_hmac" in r.stderr


def test_json_errors_are_machine_readable(cli, tmp_path):
    r = cli("--workspace", str(tmp_path), "--json", "policy", "show")
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["code"] == "E101"


def test_cli_sets_offline_environment_before_heavy_imports(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_",
                                                                    "TLDEXTRACT"))}
    code = ("import os, sys; import dsm_clinic.cli.main; "
            "print(os.environ['HF_HUB_OFFLINE'], os.environ['TRANSFORMERS_OFFLINE'], "
            "os.environ['HF_DATASETS_OFFLINE'], repr(os.environ['TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS']), "
            "'transformers' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["1", "1", "1", "''", "False", "False"]


def test_python_dash_m_runs_the_cli(tmp_path):
    r = subprocess.run([sys.executable, "-m", "dsm_clinic", "--workspace", str(tmp_path),
                        "audit", "verify"], capture_output=True, text=True)
    assert r.returncode == 2 and "E101" in r.stderr


@pytest.mark.parametrize("policy", ["default", "strict"])
def test_init_each_bundled_policy(cli, tmp_path, policy):
    r = cli("--json", "init", str(tmp_path / "ws"), "--policy", policy)
    assert r.exit_code == 0
    assert json.loads(r.stdout)["policy"]["id"] == f"dsm-{policy}"
    assert cli("--workspace", str(tmp_path / "ws"), "audit", "verify").exit_code == 0


def test_audit_verify_with_an_anchor(cli, tmp_path):
    ws = tmp_path / "ws"
    cli("init", str(ws))
    cli("--workspace", str(ws), "policy", "show")
    anchor = tmp_path / "offsite.head"
    anchor.write_bytes((ws / "audit" / "audit.jsonl.head").read_bytes())
    assert cli("--workspace", str(ws), "audit", "verify", "--anchor", str(anchor)).exit_code == 0
    bogus = tmp_path / "bogus.head"
    bogus.write_text("not json")
    r = cli("--workspace", str(ws), "audit", "verify", "--anchor", str(bogus))
    assert r.exit_code == 2 and "E207" in r.stderr
