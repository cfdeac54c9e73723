"""`dsm-clinic init` and `dsm-clinic demo`."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from dsm_clinic.cli import render
from dsm_clinic.cli.context import CliState, json_option, pass_state, run_pipeline_file


def _policy_source(policy: str) -> Path:
    from dsm_clinic.governance.policy import BUNDLED, bundled_policy_path

    return bundled_policy_path(policy) if policy in BUNDLED else Path(policy).resolve()


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--policy", default="default", show_default=True,
              help="'default', 'strict' or the path of a policy file to copy into the workspace.")
@click.option("--name", help="Workspace name shown in reports (default: the folder name).")
@click.option("--hmac-key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Key file for HMAC-signed audit records. Under a policy that requires "
                   "HMAC and without this option, a key is generated in DIR/secrets/.")
@json_option
@pass_state
def init_cmd(state: CliState, directory: Path, policy: str, name: str | None,
             hmac_key_file: Path | None) -> None:
    """Create a workspace: dsm-clinic.yaml, a copy of the policy, the audit log.

    Example:

    \b
        dsm-clinic init ward-a
        dsm-clinic init ward-a --policy strict --hmac-key-file /etc/dsm-clinic/audit.key
    """
    from dsm_clinic.workspace_init import init_workspace

    result = init_workspace(directory, policy_file=_policy_source(policy), name=name,
                            hmac_key_file=hmac_key_file)
    if state.json:
        render.print_json(result)
        return
    render.out.print(f"[green]Workspace ready[/] at {result['workspace']} "
                     f"(policy {result['policy']['id']} {result['policy']['version']}).")
    if result.get("generated_key"):
        render.out.print(f"Generated the audit HMAC key {result['generated_key']}: keep a copy "
                         "off this machine and readable only by the service account.")
    render.out.print(f"Next: dsm-clinic --workspace {directory} policy show")


@click.command("demo")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path),
                default="demo-workspace")
@click.option("--force", is_flag=True, help="Replace DIR if it holds an earlier demo workspace.")
@json_option
@pass_state
def demo_cmd(state: CliState, directory: Path, force: bool) -> None:
    """Create a fresh workspace and run the bundled demo pipeline in it.

    Example:

    \b
        dsm-clinic demo
        dsm-clinic demo /tmp/dsm-demo --force
    """
    from dsm_clinic.errors import error
    from dsm_clinic.governance.policy import bundled_policy_path
    from dsm_clinic.pipeline import bundled_pipeline
    from dsm_clinic.workspace import CONFIG_FILE
    from dsm_clinic.workspace_init import init_workspace

    if directory.exists() and any(directory.iterdir()):
        if not (force and (directory / CONFIG_FILE).is_file()):
            raise error("E102", path=directory.resolve())
        shutil.rmtree(directory)
    result = init_workspace(directory, policy_file=bundled_policy_path("default"), name="demo")
    from dsm_clinic.workspace import Workspace

    ws = Workspace.open(directory)
    outcomes = run_pipeline_file(state, ws, bundled_pipeline("demo"))
    if state.json:
        render.print_json({"workspace": result["workspace"],
                           "stages": [{"stage": o.stage, "seconds": o.seconds} for o in outcomes]})
        return
    render.out.print(f"Demo workspace: {result['workspace']}; "
                     f"audit report: {result['workspace']}/reports/audit.html")
