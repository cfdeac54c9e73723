"""`dsm-clinic audit verify | show | report` for compliance staff."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from dsm_clinic.cli import render
from dsm_clinic.cli.context import CliState, json_option, pass_state, run_stage


@click.group("audit")
def audit() -> None:
    """Read and verify the workspace's audit log.

    Example:

    \b
        dsm-clinic audit verify
        dsm-clinic audit show --since 2026-11-01 --outcome denied
        dsm-clinic audit report --html audit.html
    """


@audit.command("verify")
@click.option("--anchor", type=click.Path(exists=True, dir_okay=False, path_type=Path,
                                          resolve_path=True),
              help="A copy of audit/audit.jsonl.head taken earlier and kept off this machine: "
                   "the log must still hold that record unchanged.")
@json_option
@pass_state
def verify_cmd(state: CliState, anchor: Path | None) -> None:
    """Check the hash chain, HMACs and head file; exit non-zero naming the first bad record.

    Example:

    \b
        dsm-clinic --workspace ward-a audit verify
        dsm-clinic --workspace ward-a audit verify --anchor /mnt/dpo/ward-a-2026-11.head
    """
    result = run_stage(state, "audit verify", anchor=anchor)
    if state.json:
        render.print_json(result)
        return
    hmac = ", HMAC checked" if result.hmac_checked else ""
    render.out.print(f"[green]Audit log intact[/]: {result.records} records, last seq "
                     f"{result.last_seq}{hmac}.")


@audit.command("show")
@click.option("--since", help="First day or moment (UTC), e.g. 2026-11-01 or 2026-11-01T08:00.")
@click.option("--until", help="Last day or moment (UTC).")
@click.option("--user", help="Only records of this OS user.")
@click.option("--command", "command_", help="Only commands starting with this, e.g. 'train'.")
@click.option("--outcome", type=click.Choice(["ok", "error", "denied", "interrupted"]),
              help="Only records with this outcome.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the last N matching records.")
@json_option
@pass_state
def show_cmd(state: CliState, since, until, user, command_, outcome, limit) -> None:
    """List audit records as a table (or JSON with --json).

    Example:

    \b
        dsm-clinic audit show --user mrossi --since 2026-11-01
        dsm-clinic --json audit show --outcome denied
    """
    records = run_stage(state, "audit show", since=since, until=until, user=user,
                        command=command_, outcome=outcome, limit=limit)
    if state.json:
        render.print_json(records)
        return
    table = Table(title=f"{len(records)} audit records", title_justify="left")
    for col in ("seq", "time (UTC)", "user", "command", "outcome", "policy"):
        table.add_column(col, no_wrap=True)
    table.add_column("inputs → outputs")
    for r in records:
        outcome_ = r.get("outcome") or {}
        status = outcome_.get("status", "?")
        style = {"ok": "green", "denied": "red", "error": "yellow"}.get(status, "")
        files = ", ".join(Path(x["path"]).name for x in r.get("inputs", []))
        outs = ", ".join(Path(x["path"]).name for x in r.get("outputs", []))
        table.add_row(str(r.get("seq")), r.get("time", "")[:19], r.get("user", ""),
                      r.get("command", ""),
                      f"[{style}]{status}{(' ' + outcome_['code']) if outcome_.get('code') else ''}[/]"
                      if style else status,
                      (r.get("policy") or {}).get("id", "-"),
                      f"{files} → {outs}" if files or outs else "")
    render.out.print(table)


@audit.command("report")
@click.option("--html", "html", required=True,
              type=click.Path(dir_okay=False, path_type=Path, resolve_path=True),
              help="The HTML file to write (one self-contained file).")
@json_option
@pass_state
def report_cmd(state: CliState, html: Path) -> None:
    """Write an HTML report for compliance staff: integrity, counts, denials, all records.

    Example:

    \b
        dsm-clinic audit report --html reports/audit-2026-11.html
    """
    result = run_stage(state, "audit report", html=html)
    if state.json:
        render.print_json(result)
        return
    status = "[green]intact[/]" if result["intact"] else "[red]NOT intact[/]"
    render.out.print(f"Wrote {result['html']}: {result['records']} records, log {status}, "
                     f"outcomes {json.dumps(result['by_outcome'])}.")
