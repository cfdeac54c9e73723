"""The `dsm-clinic` command: global options, command groups, errors as one line and a hint."""

from __future__ import annotations

from dsm_clinic.offline import apply_offline_env

apply_offline_env()  # before anything imports transformers, presidio or tldextract

import sys  # noqa: E402
import traceback  # noqa: E402

import click  # noqa: E402

from dsm_clinic import __version__  # noqa: E402
from dsm_clinic.cli import render  # noqa: E402
from dsm_clinic.cli.context import CliState  # noqa: E402
from dsm_clinic.errors import EXIT_INTERNAL, DsmError  # noqa: E402


class RootGroup(click.Group):
    """Turns library errors into one red line, a hint and the catalogued exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DsmError as exc:
            state = ctx.find_object(CliState)
            render.show_error(exc, as_json=bool(state and state.json))
            if state and state.verbose:
                render.err.print(traceback.format_exc(), highlight=False)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # an internal bug: say so, keep the traceback behind -v
            state = ctx.find_object(CliState)
            internal = DsmError("E100", f"internal error: {exc.__class__.__name__}: {exc}",
                                "rerun with -v for the traceback and report it", EXIT_INTERNAL)
            render.show_error(internal, as_json=bool(state and state.json))
            if state and state.verbose:
                render.err.print(traceback.format_exc(), highlight=False)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.option("--workspace", "-w", envvar="DSM_CLINIC_WORKSPACE", type=click.Path(file_okay=False),
              help="Workspace folder (env DSM_CLINIC_WORKSPACE; default: the current folder).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(__version__, prog_name="dsm-clinic")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, as_json: bool, verbose: bool) -> None:
    """dsm-clinic: de-identify Italian clinical notes, train DecSelfMask classifiers,
    score new notes; every command runs under the workspace policy and is audited.

    Example:

    \b
        dsm-clinic init ward-a --policy strict
        dsm-clinic --workspace ward-a audit verify
        dsm-clinic demo
    """
    ctx.obj = CliState(workspace=workspace, json=as_json, verbose=verbose)


def _register() -> None:
    from dsm_clinic.cli import audit, data, deid, model, pipeline, policy, workspace

    for command in (workspace.init_cmd, workspace.demo_cmd, pipeline.pipeline, data.data,
                    data.tasks, deid.deid, model.model, audit.audit, policy.policy):
        cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="dsm-clinic")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
