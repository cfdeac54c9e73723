"""`data synth` and `tasks check` as governed commands."""

from __future__ import annotations

import json

from tests.conftest import read_log


def test_data_synth_is_audited_without_any_phi(cli, workspace):
    ws = str(workspace.root)
    r = cli("--workspace", ws, "--json", "data", "synth", "-o", f"{ws}/data/s", "--notes", "40",
            "--seed", "5")
    assert r.exit_code == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["notes"] == 40
    rec = read_log(workspace)[-1]
    assert rec["command"] == "data synth" and rec["outcome"]["status"] == "ok"
    outputs = {o["path"]: o for o in rec["outputs"]}
    assert outputs["data/s/notes.jsonl"]["records"] == 40
    assert outputs["data/s/labeled.jsonl"]["records"] == summary["labeled"]
    log_text = workspace.audit_path.read_text()
    notes = [json.loads(x) for x in (workspace.root / "data/s/notes.jsonl").read_text().splitlines()]
    phi = {n["text"][p["start"]:p["end"]] for n in notes for p in n["phi"]}
    leaked = [x for x in phi if len(x) >= 5 and x in log_text]
    assert not leaked, leaked[:5]


def test_tasks_check_names_the_bad_key(cli, workspace, tmp_path):
    bad = tmp_path / "tasks.yaml"
    bad.write_text("version: 1\ntasks:\n  - name: asma\n    target: asma\n    labels: [si]\n"
                   "    description: x\n")
    r = cli("--workspace", str(workspace.root), "tasks", "check", str(bad))
    assert r.exit_code == 2 and "labels" in r.stderr
    assert read_log(workspace)[-1]["outcome"]["status"] == "error"
