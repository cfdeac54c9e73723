"""`dsm-clinic policy show | check`."""

from __future__ import annotations

from pathlib import Path

import click

from dsm_clinic.cli import render
from dsm_clinic.cli.context import CliState, json_option, pass_state, run_stage


@click.group("policy")
def policy() -> None:
    """Read the workspace policy or check a policy file.

    Example:

    \b
        dsm-clinic policy show
        dsm-clinic policy check policies/strict.yaml
    """


@policy.command("show")
@json_option
@pass_state
def show_cmd(state: CliState) -> None:
    """Show the policy in force: id, version, hash and every rule.

    Example:

    \b
        dsm-clinic --workspace ward-a policy show
    """
    result = run_stage(state, "policy show")
    if state.json:
        render.print_json(result)
        return
    render.key_values(f"Policy {result['id']} {result['version']}", result)


@policy.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, resolve_path=True))
@json_option
@pass_state
def check_cmd(state: CliState, file: Path) -> None:
    """Validate a policy file before putting it in force (exit 3 when it would be refused).

    Example:

    \b
        dsm-clinic policy check new-policy.yaml
    """
    result = run_stage(state, "policy check", file=file)
    if state.json:
        render.print_json(result)
        return
    render.out.print(f"[green]Valid policy[/] {result['id']} {result['version']} "
                     f"(sha256 {result['sha256'][:16]}…)")
