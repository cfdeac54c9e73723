"""`dsm-clinic model init | info`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from dsm_clinic.cli import render
from dsm_clinic.cli.context import CliState, json_option, pass_state, run_stage


def local_or_raw(value: str) -> Path:
    """An existing path is made absolute (relative to where the user stands); anything else
    is passed on as typed, so the library can tell a hub id from a missing folder."""
    p = Path(value).expanduser()
    return p.resolve() if p.exists() else p


@click.group("model")
def model() -> None:
    """Local language models: build the embedded default, describe a model folder.

    Example:

    \b
        dsm-clinic model init --corpus data/synth/notes.jsonl -o models/base
        dsm-clinic model info models/base
    """


@model.command("init")
@click.option("--corpus", required=True, type=click.Path(exists=True, dir_okay=False,
                                                          path_type=Path, resolve_path=True),
              help="De-identified (or, where the policy allows, synthetic) notes.")
@click.option("-o", "--out", required=True,
              type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
              help="Model folder to create.")
@click.option("--size", type=click.Choice(["tiny", "small"]), default="tiny", show_default=True)
@click.option("--max-minutes", type=click.FloatRange(min=0, min_open=True), default=2.0,
              show_default=True, help="Time budget for the whole run.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--max-steps", type=click.IntRange(min=1), help="Stop after this many steps.")
@click.option("--resume", is_flag=True, help="Continue from the checkpoint in OUT.")
@json_option
@pass_state
def init_cmd(state: CliState, corpus: Path, out: Path, size: str, max_minutes: float, seed: int,
             max_steps: int | None, resume: bool) -> None:
    """Train a tokenizer and pretrain a small Llama on local notes (the embedded default).

    Runs on the CPU by default (CUDA with bf16 when present) within the time budget, saves a
    Hugging Face model folder with a manifest (corpus hash, configuration, loss curve) that
    every other stage loads like any hospital model. A checkpoint is kept so an interrupted
    run continues with --resume.

    Example:

    \b
        dsm-clinic model init --corpus data/synth/notes.jsonl -o models/base --max-minutes 3
    """
    result = run_stage(state, "model init", corpus=corpus, out=out, size=size,
                       max_minutes=max_minutes, seed=seed, max_steps=max_steps, resume=resume)
    if state.json:
        render.print_json(result)
        return
    render.out.print(
        f"[green]Base model saved[/] to {result['out_dir']}: {result['parameters']:,} parameters, "
        f"{result['steps']} steps in {result['seconds']:.0f}s on {result['device']}, loss "
        f"{result['first_loss']:.2f} → {result['last_loss']:.2f} "
        f"({result['tokens_per_s']:,.0f} tokens/s).")
    if result.get("rejects"):
        render.out.print(f"[yellow]{result['corpus']['rejected']} corpus records rejected[/]: "
                         f"{result['rejects']}")


@model.command("info")
@click.argument("directory", callback=lambda c, p, v: local_or_raw(v))
@json_option
@pass_state
def info_cmd(state: CliState, directory: Path) -> None:
    """Describe a local model folder: family, parameters, vocabulary, context, special tokens.

    Example:

    \b
        dsm-clinic model info models/base
    """
    result = run_stage(state, "model info", model=directory)
    if state.json:
        render.print_json(result)
        return
    table = Table(title=f"Model {directory}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in result.items():
        if key == "manifest":
            if value:  # what made this folder: kind, when, from which corpus
                shown = {k: value.get(k) for k in ("kind", "created_at", "steps", "last_loss")
                         if value.get(k) is not None}
                corpus = (value.get("inputs") or [{}])[0]
                if corpus.get("sha256"):
                    shown["corpus_sha256"] = corpus["sha256"][:16] + "…"
                table.add_row("manifest", ", ".join(f"{k}={v}" for k, v in shown.items()))
            continue
        table.add_row(key, f"{value:,}" if isinstance(value, int) and not isinstance(value, bool)
                      else str(value))
    render.out.print(table)
