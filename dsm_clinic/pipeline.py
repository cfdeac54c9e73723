"""Run a pipeline file stage by stage; `demo` is the bundled pipeline.

A pipeline file is YAML: a name and a list of stages, each naming a stage (`run:`) and its
options (`with:`). The whole file is validated before the first stage runs. Each stage is
governed and audited on its own; the run stops at the first failure and names the stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from dsm_clinic.config import Strict, load_yaml_model, validate
from dsm_clinic.errors import DsmError, error
from dsm_clinic.governance.guard import Progress, governed
from dsm_clinic.governance.stage import StageOptions
from dsm_clinic.io.hashing import sha256_file
from dsm_clinic.stages import get_stage
from dsm_clinic.workspace import Workspace

BUNDLED_DIR = Path(__file__).resolve().parent / "pipelines"


class PipelineStage(Strict):
    run: str = Field(description="the stage to run, as on the command line, e.g. 'data synth'")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with",
                                  description="the stage's options; paths relative to the workspace")
    name: str | None = Field(None, description="a label shown in progress and errors")


class PipelineFile(Strict):
    version: Literal[1] = Field(1, description="schema version of pipeline files")
    name: str = Field(description="the pipeline's name")
    description: str = ""
    stages: list[PipelineStage] = Field(min_length=1)


@dataclass
class Pipeline:
    spec: PipelineFile
    path: Path
    options: list[StageOptions] = field(default_factory=list)


@dataclass
class StageOutcome:
    index: int
    stage: str
    seconds: float
    result: Any


def load_pipeline(path: str | Path) -> Pipeline:
    """Read a pipeline file and validate every stage's name and options up front.

    Raises E103/E104 for a bad file, E106 for an unknown stage."""
    p = Path(path)
    spec = load_yaml_model(PipelineFile, p, what="pipeline")
    options = []
    for i, st in enumerate(spec.stages, start=1):
        s = get_stage(st.run)
        options.append(validate(s.options, st.with_, what=f"pipeline (stage {i} '{st.run}')", path=p))
    return Pipeline(spec=spec, path=p, options=options)


def bundled_pipeline(name: str = "demo") -> Path:
    return BUNDLED_DIR / f"{name}.yaml"


def run_pipeline(
    workspace: Workspace,
    path: str | Path,
    *,
    on_stage: Callable[[int, int, str], None] | None = None,
    on_progress: Progress | None = None,
) -> list[StageOutcome]:
    """Run every stage of the pipeline file at `path` in `workspace`; return their outcomes.

    The pipeline run is itself audited. Raises E105 naming the stage that failed (keeping
    that stage's exit code, so a policy denial still exits 3)."""
    import time

    p = Path(path).resolve()
    pipe = load_pipeline(p)
    outcomes: list[StageOutcome] = []
    with governed(workspace, "pipeline run",
                  options={"file": workspace.shown(p), "sha256": sha256_file(p),
                           "pipeline": pipe.spec.name}, inputs=[p]) as run:
        total = len(pipe.spec.stages)
        for i, (st, opts) in enumerate(zip(pipe.spec.stages, pipe.options, strict=True), start=1):
            label = st.name or st.run
            if on_stage:
                on_stage(i, total, label)
            t0 = time.monotonic()
            try:
                result = get_stage(st.run).call(workspace, opts, on_progress=on_progress)
            except DsmError as exc:
                wrapped = error("E105", index=i, stage=label, detail=exc.message)
                wrapped.exit_code, wrapped.hint = exc.exit_code, exc.hint or wrapped.hint
                raise wrapped from exc
            outcomes.append(StageOutcome(i, label, round(time.monotonic() - t0, 2), result))
            run.progress("pipeline", i, total)
    return outcomes
