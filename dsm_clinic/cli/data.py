"""`dsm-clinic data synth` and `dsm-clinic tasks check`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from dsm_clinic.cli import render
from dsm_clinic.cli.context import CliState, json_option, pass_state, run_stage


@click.group("data")
def data() -> None:
    """Corpora: the embedded synthetic Italian corpus.

    Example:

    \b
        dsm-clinic data synth -o data/synth --notes 300 --seed 7
    """


@data.command("synth")
@click.option("-o", "--out", required=True,
              type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
              help="Folder for notes.jsonl, labeled.jsonl, tasks.yaml, splits.json, manifest.json.")
@click.option("--notes", default=300, show_default=True, type=click.IntRange(min=1),
              help="Number of notes.")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed.")
@click.option("--labeled", type=click.IntRange(min=0),
              help="Notes in the labeled subset (default: a fifth).")
@click.option("--label-noise", default=0.0, show_default=True, type=click.FloatRange(0, 0.5),
              help="Share of labels flipped to another class.")
@json_option
@pass_state
def synth_cmd(state: CliState, out: Path, notes: int, seed: int, labeled: int | None,
              label_noise: float) -> None:
    """Generate synthetic Italian clinical notes with PHI spans and labels for 12 tasks.

    Example:

    \b
        dsm-clinic data synth -o data/synth --notes 2000 --seed 1 --labeled 300
    """
    result = run_stage(state, "data synth", out=out, notes=notes, seed=seed, labeled=labeled,
                       label_noise=label_noise)
    if state.json:
        render.print_json(result)
        return
    render.out.print(f"[green]Wrote[/] {result.notes} notes of {result.patients} patients "
                     f"({result.labeled} labeled) to {result.out_dir} in {result.seconds:.1f}s.")
    table = Table(title="PHI spans by type", title_justify="left")
    table.add_column("type")
    table.add_column("spans", justify="right")
    for k, v in sorted(result.phi_spans.items(), key=lambda kv: -kv[1]):
        table.add_row(k, str(v))
    render.out.print(table)


@click.group("tasks")
def tasks() -> None:
    """Task catalogs: the clinical questions classifiers answer.

    Example:

    \b
        dsm-clinic tasks check data/synth/tasks.yaml
    """


@tasks.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, resolve_path=True))
@json_option
@pass_state
def tasks_check_cmd(state: CliState, file: Path) -> None:
    """Validate a task catalog (name, target, labels, description, question).

    Example:

    \b
        dsm-clinic tasks check tasks.yaml
    """
    result = run_stage(state, "tasks check", file=file)
    if state.json:
        render.print_json(result)
        return
    render.out.print(f"[green]Valid task catalog[/]: {result['tasks']} tasks "
                     f"({', '.join(result['names'])}).")
