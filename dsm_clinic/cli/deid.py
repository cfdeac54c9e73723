"""`dsm-clinic deid run | evaluate | train-ner`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from dsm_clinic.cli import render
from dsm_clinic.cli.context import CliState, json_option, pass_state, run_stage

_in = click.Path(exists=True, dir_okay=False, path_type=Path, resolve_path=True)
_dir = click.Path(file_okay=False, path_type=Path, resolve_path=True)


@click.group("deid")
def deid() -> None:
    """De-identify Italian clinical notes (Presidio on a local Italian pipeline, no downloads).

    Example:

    \b
        dsm-clinic deid run raw/notes.jsonl -o deid/ --workers 2
        dsm-clinic deid evaluate --gold data/synth/notes.jsonl --report deid-eval.json
    """


@deid.command("run")
@click.argument("input_", metavar="INPUT", type=_in)
@click.option("-o", "--out", required=True, type=_dir,
              help="Folder for the de-identified notes, rejects.jsonl and manifest.json.")
@click.option("--mode", type=click.Choice(["surrogate", "tag", "mask", "redact"]),
              default="surrogate", show_default=True,
              help="surrogate: realistic fakes, stable per patient; tag: <PERSONA>, <DATA> ...; "
                   "mask: ****; redact: removed.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes; the output keeps the input order.")
@click.option("--text-field", default="text", show_default=True)
@click.option("--id-field", default="id", show_default=True)
@click.option("--patient-field", default="patient_id", show_default=True)
@click.option("--date-field", "date_fields", multiple=True, default=["date"], show_default=True,
              help="Record fields holding dates (repeatable): shifted like the text's dates.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run into the same OUT.")
@click.option("--checkpoint-every", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Commit the output every N records.")
@json_option
@pass_state
def run_cmd(state: CliState, input_: Path, out: Path, mode: str, workers: int, text_field: str,
            id_field: str, patient_field: str, date_fields: tuple[str, ...], resume: bool,
            checkpoint_every: int) -> None:
    """De-identify INPUT (JSONL, CSV or Parquet) into OUT, keeping every other field.

    Writes a de-identification manifest that the policy requires before any model sees the
    notes. Unreadable records go to OUT/rejects.jsonl with their line and reason. Long runs
    commit their output every --checkpoint-every records: after an interruption, run the same
    command with --resume to continue where it stopped.

    Example:

    \b
        dsm-clinic deid run export/notes.csv -o deid/2026-11 --text-field testo --workers 2
        dsm-clinic deid run notes.jsonl -o deid/tagged --mode tag
        dsm-clinic deid run archive.parquet -o deid/archive --workers 2 --resume
    """
    r = run_stage(state, "deid run", input=input_, out=out, mode=mode, workers=workers,
                  text_field=text_field, id_field=id_field, patient_field=patient_field,
                  date_fields=list(date_fields), resume=resume, checkpoint_every=checkpoint_every)
    if state.json:
        render.print_json(r)
        return
    render.out.print(f"[green]De-identified[/] {r['written']} of {r['read']} records "
                     f"({r['rejected']} rejected) → {r['out']}")
    table = Table(title=f"PHI replaced ({r['mode']})", title_justify="left")
    table.add_column("type")
    table.add_column("spans", justify="right")
    for k, v in sorted(r["entities"].items(), key=lambda kv: -kv[1]):
        table.add_row(k, str(v))
    render.out.print(table)
    if r["rejected"]:
        render.out.print(f"[yellow]Rejected records[/]: {r['rejects']}")


@deid.command("evaluate")
@click.option("--gold", required=True, type=_in, help="Notes with gold phi spans.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path, resolve_path=True),
              help="Write the full report as JSON.")
@json_option
@pass_state
def evaluate_cmd(state: CliState, gold: Path, report: Path | None) -> None:
    """Precision, recall and F1 per PHI type (span and token level) and the leak rate.

    Example:

    \b
        dsm-clinic deid evaluate --gold data/synth/notes.jsonl --report reports/deid.json
    """
    r = run_stage(state, "deid evaluate", gold=gold, report=report)
    if state.json:
        render.print_json(r)
        return
    render_deid_report(r)


def render_deid_report(r: dict) -> None:
    table = Table(title=f"De-identification on {r['gold']['notes']} gold notes",
                  title_justify="left")
    for col in ("type", "token P", "token R", "token F1", "span R (overlap)", "gold spans",
                "leak rate"):
        table.add_column(col, justify="right" if col != "type" else "left")
    token = r.get("token", {})
    span = r.get("span_overlap", r.get("span", {}))
    leaks = r.get("leaks", {}) or {}
    for t in token:
        tk, sp, lk = token[t], span.get(t, {}), leaks.get(t, {})

        def f(x):
            return "-" if x is None else f"{x:.3f}"

        table.add_row(t, f(tk.get("precision")), f(tk.get("recall")), f(tk.get("f1")),
                      f(sp.get("recall")), str(sp.get("gold", tk.get("gold", ""))),
                      f(lk.get("rate")))
    render.out.print(table)


@deid.command("train-ner")
@click.option("--gold", required=True, type=_in, help="Notes with gold phi spans.")
@click.option("-o", "--out", required=True, type=_dir, help="Folder for the spaCy pipeline.")
@click.option("--epochs", type=click.IntRange(1, 200), default=8, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@json_option
@pass_state
def train_ner_cmd(state: CliState, gold: Path, out: Path, epochs: int, seed: int) -> None:
    """Train the PHI NER layer on gold spans; set deid.ner_model in dsm-clinic.yaml to use it.

    Example:

    \b
        dsm-clinic deid train-ner --gold data/synth/notes.jsonl -o models/deid-ner
    """
    r = run_stage(state, "deid train-ner", gold=gold, out=out, epochs=epochs, seed=seed)
    if state.json:
        render.print_json(r)
        return
    render.out.print(f"[green]NER saved[/] to {r.out_dir}: dev F1 {r.overall.f1:.3f} on "
                     f"{r.dev_notes} notes. Use it with deid.ner_model: {out} in dsm-clinic.yaml.")
