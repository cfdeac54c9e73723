"""Everything the CLI prints: results, errors, progress. The library never prints."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dsm_clinic.errors import DsmError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def jsonable(obj: Any) -> Any:
    """Turn results (pydantic models, dataclasses, paths) into plain JSON values."""
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if hasattr(obj, "to_dict"):
            return jsonable(obj.to_dict())
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(obj), ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def key_values(title: str, data: dict) -> None:
    """Render a flat result as a two-column table."""
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for k, v in jsonable(data).items():
        shown = json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)
        table.add_row(str(k), shown)
    out.print(table)


def show_error(exc: DsmError, as_json: bool) -> None:
    if as_json:
        print_json({"error": exc.to_dict()})
    err.print(f"[bold red]{exc.code}[/] [red]{exc.message}[/]", highlight=False)
    if exc.hint:
        err.print(f"  hint: {exc.hint}", highlight=False, style="dim")


def _metrics(metrics: dict) -> str:
    return "  ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in metrics.items())


def _log_lines(every_s: float = 10.0):
    """A progress callback for logs: one line per task every `every_s` seconds and at the end."""
    last: dict[str, float] = {}

    def update(task: str, completed: int, total: int | None = None, **metrics: Any) -> None:
        now = time.monotonic()
        done = total is not None and completed >= total
        if not done and now - last.get(task, 0.0) < every_s:
            return
        last[task] = now
        of = f"/{total}" if total is not None else ""
        err.print(f"  {task} {completed}{of} {_metrics(metrics)}".rstrip(), highlight=False)

    return update


@contextlib.contextmanager
def progress(enabled: bool = True) -> Iterator[Any]:
    """Yield an `on_progress(task, completed, total, **metrics)` callback drawing Rich bars
    on stderr (nothing when disabled, e.g. with --json)."""
    if not enabled:
        yield None
        return
    if not err.is_terminal:  # cron jobs, CI, `make demo > log`: plain lines, not a live display
        yield _log_lines()
        return
    bars = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.fields[metrics]}"), console=err,
                    transient=False)
    tasks: dict[str, Any] = {}

    def update(task: str, completed: int, total: int | None = None, **metrics: Any) -> None:
        shown = _metrics(metrics)
        if not tasks:
            bars.start()  # only once there is something to draw
        if task not in tasks:
            tasks[task] = bars.add_task(task, total=total, metrics=shown)
        bars.update(tasks[task], completed=completed, total=total, metrics=shown)

    try:
        yield update
    finally:
        if tasks:
            bars.stop()
