"""The task catalog (`tasks.yaml`): which note-level questions the classifiers answer.

Every later stage reads it: relevance explains each task's `target`, training builds one head
per task over its `labels`, scoring writes one column per task.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dsm_clinic.errors import error
from dsm_clinic.io.atomic import atomic_write_text

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Task(BaseModel):
    """One classification task over a note."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="slug naming the task: lower-case letters, digits, underscores")
    target: str = Field(
        min_length=1,
        description="Italian text whose relevance is explained for this task, e.g. 'asma'")
    labels: list[str] = Field(
        min_length=2, description="the classes, at least two, unique; binary tasks use 'si'/'no'")
    description: str = Field(min_length=1, description="what a label means, for annotators")
    question: str | None = Field(
        default=None, description="optional question in Italian, for prompting a language model")

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(f"'{v}' is not a slug (lower-case letters, digits, '_', "
                             "starting with a letter)")
        return v

    @field_validator("target", "description")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v.strip()

    @field_validator("labels", mode="before")
    @classmethod
    def _unquoted_boolean(cls, v: object) -> object:
        # YAML 1.1 reads an unquoted no/yes/on/off as a boolean: say so instead of "not a string"
        if isinstance(v, list) and any(isinstance(label, bool) for label in v):
            raise ValueError("a label was read as a boolean: quote it in YAML, e.g. 'no'")
        return v

    @field_validator("labels")
    @classmethod
    def _labels(cls, v: list[str]) -> list[str]:
        cleaned = [label.strip() for label in v]
        if any(not label for label in cleaned):
            raise ValueError("labels must not be blank")
        dupes = sorted({label for label in cleaned if cleaned.count(label) > 1})
        if dupes:
            raise ValueError(f"duplicate labels: {', '.join(dupes)}")
        return cleaned


class TaskCatalog(BaseModel):
    """A versioned list of tasks with unique names."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(default=1, ge=1, description="catalog schema version")
    tasks: list[Task] = Field(min_length=1, description="the tasks, names unique")

    @field_validator("tasks")
    @classmethod
    def _unique_names(cls, tasks: list[Task]) -> list[Task]:
        names = [t.name for t in tasks]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate task names: {', '.join(dupes)}")
        return tasks

    def get(self, name: str) -> Task:
        """Return the task called `name`; raises KeyError."""
        for task in self.tasks:
            if task.name == name:
                return task
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tasks]


def _loc(loc: tuple) -> str:
    """pydantic's loc as a readable key: ('tasks', 3, 'labels') -> 'tasks[3].labels'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def parse_tasks(data: object, *, path: str | Path = "<tasks>") -> TaskCatalog:
    """Validate already-parsed YAML data; raises E401 naming the first bad key."""
    if not isinstance(data, dict):
        raise error("E401", path=path, key="(top level)",
                    detail="expected a mapping with a 'tasks:' list")
    try:
        return TaskCatalog.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        detail = first["msg"]
        if len(exc.errors()) > 1:
            detail += f" (and {len(exc.errors()) - 1} more)"
        raise error("E401", path=path, key=_loc(first["loc"]), detail=detail) from None


def load_tasks(path: str | Path) -> TaskCatalog:
    """Read and validate a task catalog; raises E402 (unreadable, bad YAML) or E401 (schema)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise error("E402", path=p, detail=reason) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise error("E402", path=p, detail=f"{where}{getattr(exc, 'problem', None) or exc}") from None
    return parse_tasks(data, path=p)


def dump_tasks(catalog: TaskCatalog, path: str | Path) -> None:
    """Write `catalog` as YAML atomically (stable key order, so equal catalogs give equal bytes)."""
    data = catalog.model_dump(exclude_none=True)
    atomic_write_text(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


_YES_NO = ["si", "no"]

# The label conventions below are the ones the synthetic corpus follows; they are written
# into each description so annotators of real notes can follow the same ones.
_STATE_RULE = ("Vale lo stato alla data della nota: diagnosi sospetta non confermata, condizione "
               "risolta, familiarità o negazione danno 'no'.")
_DEFAULT_TASKS: list[dict] = [
    dict(name="asma", target="asma", labels=_YES_NO,
         description="Il paziente ha asma bronchiale in atto (anche se ben controllata). " + _STATE_RULE,
         question="Il paziente soffre di asma?"),
    dict(name="pacemaker", target="pacemaker", labels=_YES_NO,
         description="Il paziente è portatore di pacemaker (non ICD/CRT-D) alla data della nota; "
                     "indicazione rifiutata o in valutazione dà 'no'.",
         question="Il paziente è portatore di pacemaker?"),
    dict(name="icd", target="defibrillatore impiantabile", labels=_YES_NO,
         description="Il paziente è portatore di defibrillatore impiantabile (ICD, S-ICD o CRT-D); "
                     "defibrillatore indossabile o impianto in valutazione danno 'no'.",
         question="Il paziente è portatore di un defibrillatore impiantabile?"),
    dict(name="terapia_antiepilettica", target="terapia antiepilettica", labels=_YES_NO,
         description="Alla data della nota al paziente è prescritto almeno un farmaco antiepilettico "
                     "(levetiracetam, valproato, lamotrigina...), anche se non lo assume "
                     "regolarmente; terapia sospesa in passato dà 'no'.",
         question="Il paziente è in terapia antiepilettica?"),
    dict(name="compliance_antiepilettica", target="aderenza alla terapia antiepilettica",
         labels=["aderente", "non aderente", "non applicabile"],
         description="Aderenza alla terapia antiepilettica prescritta; 'non applicabile' quando il "
                     "paziente non è in terapia antiepilettica.",
         question="Il paziente assume regolarmente la terapia antiepilettica?"),
    dict(name="tampone_sars_cov_2", target="tampone SARS-CoV-2", labels=["positivo", "negativo"],
         description="Esito del tampone per SARS-CoV-2 più recente alla data della nota (molecolare o "
                     "antigenico); una pregressa infezione non conta.",
         question="Qual è l'esito del tampone per SARS-CoV-2?"),
    dict(name="autonomia", target="autonomia",
         labels=["autonomo", "parzialmente dipendente", "dipendente"],
         description="Livello di autonomia nelle attività di vita quotidiana: autonomo (Barthel >= 91), "
                     "parzialmente dipendente (41-90), dipendente (<= 40).",
         question="Qual è il livello di autonomia del paziente?"),
    dict(name="diabete", target="diabete", labels=_YES_NO,
         description="Il paziente ha diabete mellito (tipo 1 o 2). Diabete gestazionale pregresso e "
                     "alterata glicemia a digiuno danno 'no'. " + _STATE_RULE,
         question="Il paziente è diabetico?"),
    dict(name="fibrillazione_atriale", target="fibrillazione atriale", labels=_YES_NO,
         description="Il paziente ha fibrillazione atriale (parossistica, persistente o permanente); "
                     "un episodio isolato risolto senza recidive dà 'no'. " + _STATE_RULE,
         question="Il paziente ha fibrillazione atriale?"),
    dict(name="scompenso_cardiaco", target="scompenso cardiaco", labels=_YES_NO,
         description="Il paziente ha scompenso cardiaco cronico, anche se attualmente compensato. "
                     + _STATE_RULE,
         question="Il paziente ha scompenso cardiaco?"),
    dict(name="fumo", target="fumo", labels=["fumatore", "ex fumatore", "non fumatore"],
         description="Abitudine al fumo di sigaretta del paziente alla data della nota; il fumo dei "
                     "familiari non conta.",
         question="Il paziente fuma?"),
    dict(name="terapia_anticoagulante", target="terapia anticoagulante", labels=_YES_NO,
         description="Alla data della nota il paziente assume un anticoagulante (warfarin, "
                     "acenocumarolo, apixaban, rivaroxaban, dabigatran, edoxaban); antiaggreganti "
                     "(acido acetilsalicilico, clopidogrel) e terapia sospesa danno 'no'.",
         question="Il paziente è in terapia anticoagulante?"),
]


def default_tasks() -> TaskCatalog:
    """Return the 12-task catalog the synthetic corpus is labeled with."""
    return TaskCatalog.model_validate({"version": 1, "tasks": _DEFAULT_TASKS})
