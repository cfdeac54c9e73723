"""The task catalog schema: the shipped catalog validates, errors name the file and the key."""

from __future__ import annotations

import pytest

from dsm_clinic.data.tasks import TaskCatalog, default_tasks, dump_tasks, load_tasks
from dsm_clinic.errors import DsmError

GOOD = """\
version: 1
tasks:
  - name: asma
    target: asma
    labels: [si, "no"]
    description: Il paziente ha asma.
  - name: fumo
    target: fumo
    labels: [fumatore, ex fumatore, non fumatore]
    description: Abitudine al fumo.
    question: Il paziente fuma?
"""


def _write(tmp_path, text):
    path = tmp_path / "tasks.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_catalog_has_the_twelve_tasks_and_round_trips(tmp_path):
    catalog = default_tasks()
    assert catalog.names == [
        "asma", "pacemaker", "icd", "terapia_antiepilettica", "compliance_antiepilettica",
        "tampone_sars_cov_2", "autonomia", "diabete", "fibrillazione_atriale",
        "scompenso_cardiaco", "fumo", "terapia_anticoagulante"]
    assert catalog.get("autonomia").labels == ["autonomo", "parzialmente dipendente", "dipendente"]
    assert all(t.question and t.question.endswith("?") for t in catalog.tasks)
    path = tmp_path / "t.yaml"
    dump_tasks(catalog, path)
    first = path.read_bytes()
    assert load_tasks(path) == catalog
    dump_tasks(load_tasks(path), path)
    assert path.read_bytes() == first


def test_a_valid_file_loads(tmp_path):
    catalog = load_tasks(_write(tmp_path, GOOD))
    assert isinstance(catalog, TaskCatalog)
    assert catalog.get("fumo").question == "Il paziente fuma?"
    assert catalog.get("asma").question is None


@pytest.mark.parametrize("old,new,key", [
    ('labels: [si, "no"]', "labels: [si]", "tasks[0].labels"),
    ('labels: [si, "no"]', "labels: [si, si]", "tasks[0].labels"),
    ('labels: [si, "no"]', "labels: [si, no]", "tasks[0].labels"),  # YAML reads no as False
    ("name: asma", "name: Asma Bronchiale", "tasks[0].name"),
    ("    target: fumo\n", "", "tasks[1].target"),
    ("    question: Il paziente fuma?", "    question: Il paziente fuma?\n    colour: red", "tasks[1].colour"),
    ("name: fumo", "name: asma", "tasks"),
    ("version: 1", "version: zero", "version"),
])
def test_schema_errors_name_the_file_and_the_key(tmp_path, old, new, key):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(DsmError) as exc:
        load_tasks(path)
    err = exc.value
    assert err.code == "E401" and err.exit_code == 2
    assert f"{path}: {key}:" in err.message


def test_boolean_label_error_says_to_quote(tmp_path):
    with pytest.raises(DsmError) as exc:
        load_tasks(_write(tmp_path, GOOD.replace('labels: [si, "no"]', "labels: [si, no]")))
    assert "quote" in exc.value.message


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(DsmError) as exc:
        load_tasks(tmp_path / "missing.yaml")
    assert exc.value.code == "E402"
    with pytest.raises(DsmError) as exc:
        load_tasks(_write(tmp_path, "tasks: [\n  - name: a\n"))
    assert exc.value.code == "E402" and "line" in exc.value.message
    with pytest.raises(DsmError) as exc:
        load_tasks(_write(tmp_path, "- just a list\n"))
    assert exc.value.code == "E401" and "(top level)" in exc.value.message
