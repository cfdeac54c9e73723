"""The `stage` decorator: every library entry point is a governed stage.

A stage has a name (the CLI command, e.g. "data synth"), an options model (validated the
same way from CLI flags, Python keyword arguments or a pipeline file) and a function
`fn(run, options) -> result`. Calling the decorated function opens the workspace and runs
`fn` inside the guard; the registry lets `pipeline run` find stages by name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from dsm_clinic.config import validate
from dsm_clinic.governance.guard import Progress, governed
from dsm_clinic.workspace import Workspace


class StageOptions(BaseModel):
    """Base for stage options: unknown keys are errors; paths are relative to the workspace."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class StageSpec:
    name: str
    options: type[StageOptions]
    call: Callable[..., Any]
    summary: str


STAGES: dict[str, StageSpec] = {}


def _resolved(ws: Workspace, opts: StageOptions, model_fields: tuple[str, ...]) -> StageOptions:
    updates = {}
    for name in type(opts).model_fields:
        value = getattr(opts, name)
        if isinstance(value, Path):
            updates[name] = ws.resolve(value)
            if name in model_fields and not updates[name].exists():
                _refuse_hub_id(value)
    return opts.model_copy(update=updates)


def _refuse_hub_id(value: Path) -> None:
    """A model option that names no local folder but reads like 'org/model' is a hub id:
    say so (E502) instead of 'no such folder'. Models load from local folders only."""
    from dsm_clinic.models.loading import looks_like_hub_id

    if not value.is_absolute() and looks_like_hub_id(value.as_posix()):
        from dsm_clinic.errors import error

        raise error("E502", name=value.as_posix())


def _audit_options(ws: Workspace, opts: StageOptions) -> dict:
    out = {}
    for name in type(opts).model_fields:
        value = getattr(opts, name)
        out[name] = ws.shown(value) if isinstance(value, Path) else (
            value.model_dump(mode="json") if isinstance(value, BaseModel) else value)
    return out


def _paths(opts: StageOptions, fields: tuple[str, ...]) -> list[Path]:
    found = []
    for f in fields:
        v = getattr(opts, f)
        if isinstance(v, Path):
            found.append(v)
        elif isinstance(v, (list, tuple)):
            found.extend(Path(x) for x in v)
    return found


def stage(name: str, *, options: type[StageOptions], inputs: tuple[str, ...] = (),
          note_inputs: tuple[str, ...] = (), model_inputs: tuple[str, ...] = ()):
    """Register `fn(run, options)` as the governed stage `name`.

    `inputs` name option fields whose files are hashed into the audit record before the run;
    `note_inputs` those whose notes must be de-identified where the policy says so;
    `model_inputs` those that are model folders the policy must allow. The decorated
    function is called as `fn(workspace, options=None, *, on_progress=None, **options)`.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def call(workspace: Workspace | str | Path | None, opts: StageOptions | None = None, *,
                 on_progress: Progress | None = None, **kwargs: Any) -> Any:
            ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace)
            if opts is None:
                opts = validate(options, kwargs, what=f"options of '{name}'", path=name)
            opts = _resolved(ws, opts, model_inputs)
            with governed(ws, name, options=_audit_options(ws, opts),
                          inputs=_paths(opts, inputs),
                          note_inputs=_paths(opts, note_inputs),
                          model_dirs=_paths(opts, model_inputs),
                          on_progress=on_progress) as run:
                return fn(run, opts)

        summary = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else name
        STAGES[name] = StageSpec(name=name, options=options, call=call, summary=summary)
        call.stage_name = name
        return call

    return decorate
