"""The CLI's shared state (global options) and the helper that runs a stage from a command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from dsm_clinic.cli import render


@dataclass
class CliState:
    workspace: str | None
    json: bool
    verbose: bool

    def open_workspace(self):
        from dsm_clinic.workspace import Workspace

        return Workspace.open(self.workspace)


pass_state = click.make_pass_decorator(CliState)


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_object(CliState).json = True


json_option = click.option("--json", "json_", is_flag=True, expose_value=False, is_eager=True,
                           callback=_set_json, help="Machine-readable JSON on stdout.")


def run_stage(state: CliState, name: str, **options: Any) -> Any:
    """Run the governed stage `name` with `options`, drawing progress bars unless --json."""
    from dsm_clinic.stages import get_stage

    ws = state.open_workspace()
    spec = get_stage(name)
    with render.progress(enabled=not state.json) as on_progress:
        return spec.call(ws, on_progress=on_progress, **options)


def run_pipeline_file(state: CliState, ws, path) -> list:
    """Run a pipeline file with a banner per stage and progress bars; print the ✓ list unless
    --json. Returns the stage outcomes."""
    from dsm_clinic.pipeline import run_pipeline

    with render.progress(enabled=not state.json) as on_progress:
        def on_stage(i: int, total: int, label: str) -> None:
            if not state.json:
                render.err.print(f"[bold cyan]stage {i}/{total}[/] {label}")

        outcomes = run_pipeline(ws, path, on_stage=on_stage, on_progress=on_progress)
    if not state.json:
        for o in outcomes:
            render.out.print(f"[green]✓[/] {o.stage} ({o.seconds}s)")
    return outcomes
