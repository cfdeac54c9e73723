"""`dsm-clinic pipeline run FILE`."""

from __future__ import annotations

from pathlib import Path

import click

from dsm_clinic.cli import render
from dsm_clinic.cli.context import CliState, json_option, pass_state, run_pipeline_file


@click.group("pipeline")
def pipeline() -> None:
    """Run pipeline files: stages with their options, each governed and audited.

    Example:

    \b
        dsm-clinic pipeline run pipelines/nightly.yaml
    """


@pipeline.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path,
                                        resolve_path=True))
@json_option
@pass_state
def run_cmd(state: CliState, file: Path) -> None:
    """Run FILE stage by stage, stopping at the first failure with the stage named.

    A pipeline file is YAML; paths in it are relative to the workspace:

    \b
        version: 1
        name: nightly
        stages:
          - run: audit verify
          - run: audit report
            with: {html: reports/audit.html}

    Example:

    \b
        dsm-clinic --workspace ward-a pipeline run nightly.yaml
    """
    outcomes = run_pipeline_file(state, state.open_workspace(), file)
    if state.json:
        render.print_json([{"stage": o.stage, "seconds": o.seconds, "result": o.result}
                           for o in outcomes])
