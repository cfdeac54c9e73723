"""Pipeline files: validated up front, each stage governed, stop at the first failure."""

from __future__ import annotations

import pytest

from dsm_clinic.errors import DsmError
from dsm_clinic.pipeline import bundled_pipeline, load_pipeline, run_pipeline
from tests.conftest import read_log


def _write(tmp_path, text):
    p = tmp_path / "p.yaml"
    p.write_text(text)
    return p


def test_stages_run_in_order_and_each_is_audited(workspace, tmp_path):
    p = _write(tmp_path, "version: 1\nname: t\nstages:\n  - run: policy show\n  - run: audit verify\n"
               "  - run: audit report\n    with: {html: out/r.html}\n")
    before = len(read_log(workspace))
    outcomes = run_pipeline(workspace, p)
    assert [o.stage for o in outcomes] == ["policy show", "audit verify", "audit report"]
    assert (workspace.root / "out" / "r.html").is_file()  # relative to the workspace
    cmds = [r["command"] for r in read_log(workspace)[before:]]
    assert cmds == ["policy show", "audit verify", "audit report", "pipeline run"]


def test_unknown_stage_is_refused_before_anything_runs(workspace, tmp_path):
    p = _write(tmp_path, "version: 1\nname: t\nstages:\n  - run: policy show\n  - run: train magic\n")
    before = len(read_log(workspace))
    with pytest.raises(DsmError) as info:
        run_pipeline(workspace, p)
    assert info.value.code == "E106" and "audit verify" in info.value.hint
    assert len(read_log(workspace)) == before


def test_bad_stage_option_names_stage_and_key(tmp_path):
    p = _write(tmp_path, "version: 1\nname: t\nstages:\n  - run: audit report\n    with: {htm: x}\n")
    with pytest.raises(DsmError) as info:
        load_pipeline(p)
    assert info.value.code == "E103"
    assert "stage 1 'audit report'" in info.value.message and "htm" in info.value.message


def test_failure_stops_the_run_and_names_the_stage(workspace, tmp_path):
    p = _write(tmp_path, "version: 1\nname: t\nstages:\n  - run: policy show\n"
               "  - run: policy check\n    with: {file: missing.yaml}\n  - run: audit verify\n")
    with pytest.raises(DsmError) as info:
        run_pipeline(workspace, p)
    assert info.value.code == "E105" and info.value.exit_code == 3
    assert "stage 2 'policy check'" in info.value.message
    cmds = [(r["command"], r["outcome"]["status"]) for r in read_log(workspace)[-3:]]
    assert cmds == [("policy show", "ok"), ("policy check", "error"), ("pipeline run", "error")]


def test_bundled_demo_pipeline_validates():
    assert load_pipeline(bundled_pipeline("demo")).spec.name == "demo"


def test_pipeline_run_cli_exit_code(cli, workspace, tmp_path):
    p = _write(tmp_path, "version: 1\nname: t\nstages:\n  - run: policy check\n    with: {file: nope.yaml}\n")
    r = cli("--workspace", str(workspace.root), "pipeline", "run", str(p))
    assert r.exit_code == 3 and "E105" in r.stderr and "policy check" in r.stderr


def test_demo_creates_a_workspace_and_runs(cli, tmp_path, monkeypatch):
    # the bundled demo with the base model's training cut to two steps
    quick = tmp_path / "demo.yaml"
    text = bundled_pipeline("demo").read_text()
    assert "max_minutes: 2.5" in text
    quick.write_text(text.replace("max_minutes: 2.5", "max_minutes: 1, max_steps: 2"))
    import dsm_clinic.pipeline as pipeline_mod

    monkeypatch.setattr(pipeline_mod, "bundled_pipeline", lambda name="demo": quick)
    target = tmp_path / "demo"
    r = cli("demo", str(target))
    assert r.exit_code == 0, r.stderr
    assert (target / "reports" / "audit.html").is_file()
    assert (target / "models" / "base" / "model.safetensors").is_file()
    assert cli("--workspace", str(target), "audit", "verify").exit_code == 0
    assert cli("demo", str(target)).exit_code == 2  # refuses to clobber without --force
