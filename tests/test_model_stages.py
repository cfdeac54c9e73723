"""`model init` and `model info` as governed commands: what the policy lets through."""

from __future__ import annotations

import json
import shutil

import pytest

from dsm_clinic.data.synth import synthesize_corpus
from tests.conftest import read_log


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "synth"
    synthesize_corpus(out, notes=60, seed=11)
    return out


def test_model_init_on_a_synthetic_corpus_then_info(cli, workspace, corpus):
    ws = str(workspace.root)
    shutil.copytree(corpus, workspace.root / "data")
    r = cli("--workspace", ws, "--json", "model", "init", "--corpus", f"{ws}/data/notes.jsonl",
            "-o", f"{ws}/models/base", "--max-steps", "3", "--max-minutes", "1")
    assert r.exit_code == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["steps"] == 3 and result["corpus"]["read"] == 60
    rec = read_log(workspace)[-1]
    assert rec["command"] == "model init" and rec["outcome"]["status"] == "ok"
    assert rec["inputs"][0] == {"path": "data/notes.jsonl", "records": 60,
                                "sha256": rec["inputs"][0]["sha256"]}
    assert rec["outputs"][0]["path"] == "models/base"
    manifest = json.loads((workspace.root / "models/base/manifest.json").read_text())
    assert manifest["inputs"][0]["sha256"] == rec["inputs"][0]["sha256"]
    info = cli("--workspace", ws, "--json", "model", "info", f"{ws}/models/base")
    assert info.exit_code == 0
    described = json.loads(info.stdout)
    assert described["family"] == "Llama" and described["special_tokens"]["mask"]["token"] == "<mask>"


def test_model_init_refuses_notes_without_a_deid_manifest(cli, workspace, corpus):
    ws = str(workspace.root)
    (workspace.root / "raw").mkdir()
    shutil.copy(corpus / "notes.jsonl", workspace.root / "raw" / "notes.jsonl")
    r = cli("--workspace", ws, "model", "init", "--corpus", f"{ws}/raw/notes.jsonl",
            "-o", f"{ws}/models/base")
    assert r.exit_code == 3 and "deid run" in r.stderr
    assert not (workspace.root / "models" / "base").exists()


def test_strict_policy_refuses_a_synthetic_corpus(cli, tmp_path, corpus):
    ws = str(tmp_path / "ws")
    cli("init", ws, "--policy", "strict")
    shutil.copytree(corpus, tmp_path / "ws" / "data")
    r = cli("--workspace", ws, "model", "init", "--corpus", f"{ws}/data/notes.jsonl",
            "-o", f"{ws}/models/base")
    assert r.exit_code == 3 and "synthetic" in r.stderr


def test_model_info_refuses_hub_ids(cli, workspace):
    r = cli("--workspace", str(workspace.root), "model", "info", "meta-llama/Llama-3.2-1B")
    assert r.exit_code == 2 and "E502" in r.stderr and "local folders only" in r.stderr
