"""What compliance staff run: verify the audit log, list and report its records, read and
check policies. Each is a governed stage, so reviewing the log is itself audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import Field

from dsm_clinic.errors import error
from dsm_clinic.governance.audit import AuditLog, VerifyResult
from dsm_clinic.governance.guard import Run, open_audit_log
from dsm_clinic.governance.policy import load_policy
from dsm_clinic.governance.report import render_html
from dsm_clinic.governance.stage import StageOptions, stage
from dsm_clinic.io.atomic import atomic_write_text

Outcome = Literal["ok", "error", "denied", "interrupted"]


def open_log(run: Run) -> AuditLog:
    return open_audit_log(run.workspace)


class VerifyOptions(StageOptions):
    anchor: Path | None = Field(None, description="a copy of an earlier head file, kept off "
                                                  "this machine")


@stage("audit verify", options=VerifyOptions, inputs=("anchor",))
def audit_verify(run: Run, opts: VerifyOptions) -> VerifyResult:
    """Check the audit log's hash chain, HMACs and head; raise E203 naming the first bad record."""
    anchor = AuditLog.read_anchor(opts.anchor) if opts.anchor else None
    result = open_log(run).verify(anchor=anchor)
    if not result.ok:
        raise error("E203", detail=str(result.problem))
    return result


def parse_when(value: str | None, option: str, end: bool = False) -> str | None:
    """Turn a date or datetime into the ISO UTC string records are compared with."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
        else:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except ValueError as exc:
        raise error("E205", option=option, detail=str(exc)) from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ShowOptions(StageOptions):
    since: str | None = Field(None, description="first day or moment to show (UTC)")
    until: str | None = Field(None, description="last day or moment to show (UTC)")
    user: str | None = Field(None, description="only records of this OS user")
    command: str | None = Field(None, description="only commands starting with this text")
    outcome: Outcome | None = Field(None, description="only records with this outcome")
    limit: int | None = Field(None, ge=1, description="only the last N matching records")


def select_records(log: AuditLog, opts: ShowOptions) -> list[dict]:
    since = parse_when(opts.since, "--since")
    until = parse_when(opts.until, "--until", end=True)
    out = []
    for r in log.records():
        t = r.get("time", "")
        if since and t < since or until and t > until:
            continue
        if opts.user and r.get("user") != opts.user:
            continue
        if opts.command and not str(r.get("command", "")).startswith(opts.command):
            continue
        if opts.outcome and (r.get("outcome") or {}).get("status") != opts.outcome:
            continue
        out.append(r)
    return out[-opts.limit:] if opts.limit else out


@stage("audit show", options=ShowOptions)
def audit_show(run: Run, opts: ShowOptions) -> list[dict]:
    """List audit records, filtered by time, user, command and outcome."""
    return select_records(open_log(run), opts)


class ReportOptions(StageOptions):
    html: Path = Field(description="the HTML file to write")


def summarize(records: list[dict]) -> dict:
    return {
        "records": len(records),
        "by_user": dict(Counter(r.get("user", "?") for r in records).most_common()),
        "by_command": dict(Counter(r.get("command", "?") for r in records).most_common()),
        "by_outcome": dict(Counter((r.get("outcome") or {}).get("status", "?")
                                   for r in records).most_common()),
        "denials": [r for r in records if (r.get("outcome") or {}).get("status") == "denied"],
    }


@stage("audit report", options=ReportOptions)
def audit_report(run: Run, opts: ReportOptions) -> dict:
    """Write one self-contained HTML report of the audit log for compliance staff."""
    log = open_log(run)
    verification = log.verify()
    records = list(log.records())
    summary = summarize(records)
    html = render_html(workspace=run.workspace.config.name, verification=verification,
                       summary=summary, records=records, policy=run.policy.ref())
    atomic_write_text(opts.html, html)
    run.output(opts.html, records=len(records))
    return {"html": str(opts.html), "records": len(records), "intact": verification.ok,
            "by_outcome": summary["by_outcome"]}


class PolicyShowOptions(StageOptions):
    pass


@stage("policy show", options=PolicyShowOptions)
def policy_show(run: Run, opts: PolicyShowOptions) -> dict:
    """Show the workspace policy: id, version, hash and every rule."""
    return {"path": run.workspace.shown(run.policy.path), "sha256": run.policy.sha256,
            **run.policy.policy.model_dump(mode="json")}


class PolicyCheckOptions(StageOptions):
    file: Path = Field(description="the policy file to check")


@stage("policy check", options=PolicyCheckOptions, inputs=("file",))
def policy_check(run: Run, opts: PolicyCheckOptions) -> dict:
    """Validate a policy file; raise E201 with the reason when it would be refused."""
    loaded = load_policy(opts.file)
    return {"file": str(opts.file), "valid": True, **loaded.ref()}
