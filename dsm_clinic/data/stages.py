"""Governed stages for the embedded default data: `data synth` and `tasks check`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from dsm_clinic.governance.guard import Run
from dsm_clinic.governance.stage import StageOptions, stage


class SynthOptions(StageOptions):
    out: Path = Field(description="folder to write the corpus into (created; must be empty or an "
                                  "earlier corpus)")
    notes: int = Field(300, ge=1, description="number of notes")
    seed: int = Field(0, description="random seed; the same seed gives byte-identical files")
    labeled: int | None = Field(None, ge=0, description="notes in the labeled subset "
                                                        "(default: a fifth of the notes)")
    label_noise: float = Field(0.0, ge=0.0, le=0.5, description="share of labels flipped")


@stage("data synth", options=SynthOptions)
def data_synth(run: Run, opts: SynthOptions):
    """Generate a synthetic Italian clinical corpus with PHI spans and task labels."""
    from dsm_clinic.data.synth import synthesize_corpus

    result = synthesize_corpus(opts.out, notes=opts.notes, seed=opts.seed, labeled=opts.labeled,
                               label_noise=opts.label_noise, on_progress=run.progress)
    counts = {"notes": result.notes, "labeled": result.labeled}
    for path in result.paths.values():
        run.output(path, records=counts.get(Path(path).stem))
    return result


class TasksCheckOptions(StageOptions):
    file: Path = Field(description="the task catalog (YAML) to validate")


@stage("tasks check", options=TasksCheckOptions, inputs=("file",))
def tasks_check(run: Run, opts: TasksCheckOptions) -> dict:
    """Validate a task catalog; raise E4xx naming the file and the key when it is invalid."""
    from dsm_clinic.data.tasks import load_tasks

    catalog = load_tasks(opts.file)
    return {"file": str(opts.file), "tasks": len(catalog.tasks),
            "names": [t.name for t in catalog.tasks]}
