"""`deid run`, `deid evaluate`, `deid train-ner` as governed commands."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from dsm_clinic.data.synth import synthesize_corpus
from dsm_clinic.io.manifest import data_status
from tests.conftest import read_log


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw") / "synth"
    synthesize_corpus(out, notes=24, seed=23)
    return out


def _jsonl(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_deid_run_tag_mode_removes_phi_and_keeps_fields(cli, workspace, raw):
    ws = str(workspace.root)
    r = cli("--workspace", ws, "--json", "deid", "run", str(raw / "notes.jsonl"), "-o",
            f"{ws}/deid", "--mode", "tag")
    assert r.exit_code == 0, r.stderr
    summary = json.loads(r.stdout)
    assert (summary["read"], summary["written"], summary["rejected"]) == (24, 24, 0)
    src, out = _jsonl(raw / "notes.jsonl"), _jsonl(workspace.root / "deid" / "notes.jsonl")
    assert [o["id"] for o in out] == [s["id"] for s in src]
    for s, o in zip(src, out, strict=True):
        assert o["patient_id"] == s["patient_id"] and o["kind"] == s["kind"]
        assert o["date"] == s["date"][:4]  # a date field is PHI: only the year is kept
        for p in s["phi"]:
            value = s["text"][p["start"]:p["end"]]
            if p["type"] in ("PERSONA", "CODICE_FISCALE", "EMAIL", "TELEFONO") and len(value) > 4:
                assert value not in o["text"], p["type"]
        assert "<PERSONA>" in o["text"] or not any(p["type"] == "PERSONA" for p in s["phi"])
    deid_dir = workspace.root / "deid"
    assert data_status(deid_dir / "notes.jsonl") == "deidentified"
    manifest = json.loads((deid_dir / "manifest.json").read_text())
    assert manifest["mode"] == "tag" and manifest["entities"]["PERSONA"] > 0
    assert manifest["parents"][0]["kind"] == "corpus"  # lineage back to the raw notes
    rec = read_log(workspace)[-1]
    assert rec["command"] == "deid run"
    assert {o["path"]: o.get("records") for o in rec["outputs"]}["deid/notes.jsonl"] == 24


def test_surrogates_keep_intervals_between_a_patients_note_dates(cli, workspace, raw):
    ws = str(workspace.root)
    assert cli("--workspace", ws, "deid", "run", str(raw / "notes.jsonl"), "-o",
               f"{ws}/deid").exit_code == 0
    src, out = _jsonl(raw / "notes.jsonl"), _jsonl(workspace.root / "deid" / "notes.jsonl")
    by_patient: dict = {}
    for s, o in zip(src, out, strict=True):
        assert o["date"] != s["date"]
        by_patient.setdefault(s["patient_id"], []).append(
            (dt.date.fromisoformat(s["date"]), dt.date.fromisoformat(o["date"])))
    multi = [v for v in by_patient.values() if len(v) > 1]
    assert multi
    for notes in multi:
        offsets = {(new - old).days for old, new in notes}
        assert len(offsets) == 1 and 0 not in offsets


def test_unprocessable_records_are_rejected_not_lost(cli, workspace, tmp_path):
    src = tmp_path / "notes.csv"
    with open(src, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["nota_id", "testo", "reparto"])
        w.writerow(["a1", "Il Sig. Mario Rossi, nato a Bologna il 12/03/1956.", "cardiologia"])
        w.writerow(["", "senza id", "neurologia"])
        w.writerow(["a3", "Dimesso il 5 marzo 2021, tel. 051 644 1234.", "medicina"])
    ws = str(workspace.root)
    r = cli("--workspace", ws, "--json", "deid", "run", str(src), "-o", f"{ws}/out", "--mode", "tag",
            "--text-field", "testo", "--id-field", "nota_id")
    assert r.exit_code == 0, r.stderr
    s = json.loads(r.stdout)
    assert (s["read"], s["written"], s["rejected"]) == (3, 2, 1)
    rows = list(csv.DictReader(open(workspace.root / "out" / "notes.csv")))
    assert [x["nota_id"] for x in rows] == ["a1", "a3"]
    assert rows[0]["reparto"] == "cardiologia"
    assert "Rossi" not in rows[0]["testo"] and "<PERSONA>" in rows[0]["testo"]
    assert "12/03/1956" not in rows[0]["testo"] and "644 1234" not in rows[1]["testo"]
    reject = json.loads((workspace.root / "out" / "rejects.jsonl").read_text())
    assert reject["line"] == 3 and reject["reason"] == "missing_id"


def test_deid_output_refuses_to_overwrite(cli, workspace, raw):
    ws = str(workspace.root)
    (workspace.root / "deid").mkdir()
    (workspace.root / "deid" / "x").write_text("keep me")
    r = cli("--workspace", ws, "deid", "run", str(raw / "notes.jsonl"), "-o", f"{ws}/deid")
    assert r.exit_code == 2 and "E303" in r.stderr
    assert (workspace.root / "deid" / "x").read_text() == "keep me"


def test_deid_evaluate_reports_recall(cli, workspace, raw, tmp_path):
    report = tmp_path / "eval.json"
    r = cli("--workspace", str(workspace.root), "--json", "deid", "evaluate", "--gold",
            str(raw / "notes.jsonl"), "--report", str(report))
    assert r.exit_code == 0, r.stderr
    data = json.loads(report.read_text())
    assert data["token"]["ALL"]["recall"] >= 0.95
    assert data["gold"]["notes"] == 24


def test_an_interrupted_run_resumes_to_the_same_output(cli, workspace, raw, monkeypatch):
    import dsm_clinic.deid.analyzer as analyzer_mod
    from dsm_clinic.deid.stages import deid_run

    real_build = analyzer_mod.build_analyzer
    calls = {"n": 0}

    def flaky_build(**kwargs):
        analyzer = real_build(**kwargs)
        real_analyze = analyzer.analyze

        def analyze(text):
            calls["n"] += 1
            if calls["n"] == 13:
                raise KeyboardInterrupt  # the operator's Ctrl-C, or a killed job
            return real_analyze(text)

        analyzer.analyze = analyze
        return analyzer

    src = str(raw / "notes.jsonl")
    monkeypatch.setattr(analyzer_mod, "build_analyzer", flaky_build)
    with pytest.raises(KeyboardInterrupt):
        deid_run(workspace, input=src, out="deid", mode="surrogate", checkpoint_every=5)
    assert read_log(workspace)[-1]["outcome"]["status"] == "interrupted"
    monkeypatch.setattr(analyzer_mod, "build_analyzer", real_build)
    ws = str(workspace.root)
    again = cli("--workspace", ws, "deid", "run", src, "-o", f"{ws}/deid")
    assert again.exit_code == 2 and "--resume" in again.stderr  # never silently restarts
    resumed = cli("--workspace", ws, "--json", "deid", "run", src, "-o", f"{ws}/deid", "--resume",
                  "--checkpoint-every", "5")
    assert resumed.exit_code == 0, resumed.stderr
    assert json.loads(resumed.stdout)["written"] == 24
    fresh = cli("--workspace", ws, "deid", "run", src, "-o", f"{ws}/fresh")
    assert fresh.exit_code == 0
    assert (workspace.root / "deid/notes.jsonl").read_bytes() == \
        (workspace.root / "fresh/notes.jsonl").read_bytes()
    assert not (workspace.root / "deid" / ".partial").exists()


def test_resume_refuses_a_changed_input(cli, workspace, raw, tmp_path):
    from dsm_clinic.deid.stages import PARTS

    src = tmp_path / "notes.jsonl"
    src.write_text((raw / "notes.jsonl").read_text())
    ws = str(workspace.root)
    out = workspace.root / "deid"
    (out / PARTS).mkdir(parents=True)
    (out / PARTS / "state.json").write_text(json.dumps(
        {"fingerprint": {"input_sha256": "0" * 64}, "done": 3, "parts": [], "failed": {},
         "totals": {}}))
    r = cli("--workspace", ws, "deid", "run", str(src), "-o", str(out), "--resume")
    assert r.exit_code == 2 and "E310" in r.stderr and "input_sha256" in r.stderr
