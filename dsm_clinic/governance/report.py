"""The self-contained HTML audit report: inline CSS only, no scripts, fonts or links."""

from __future__ import annotations

import json
from html import escape

from dsm_clinic.governance.audit import VerifyResult

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}.ok{color:#0a6b2d;font-weight:600}.bad{color:#b00020;font-weight:600}
.denied{background:#fff3f3}.small{color:#555;font-size:.8rem}
code{font-size:.75rem;white-space:pre-wrap;word-break:break-all}td{max-width:26rem}
.counts{display:flex;gap:2.5rem;flex-wrap:wrap}.counts h2{margin-top:1rem}
"""


def _table(headers: list[str], rows: list[list[str]], row_class: list[str] | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_class[i]}"' if row_class and row_class[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _counts(title: str, counts: dict) -> str:
    rows = [[escape(str(k)), str(v)] for k, v in counts.items()]
    return f"<h2>{escape(title)}</h2>" + _table([title.split()[-1], "records"], rows)


def _files(refs: list[dict]) -> str:
    return "<br>".join(
        escape(r.get("path", "")) + (f" ({r['records']})" if "records" in r else "")
        + f' <span class="small">{escape(r.get("sha256", "")[:12])}</span>' for r in refs)


def render_html(*, workspace: str, verification: VerifyResult, summary: dict,
                records: list[dict], policy: dict) -> str:
    """Return the report as one HTML string; every value from the log is escaped."""
    from dsm_clinic.io.manifest import utc_now

    generated = utc_now()[:19].replace("T", " ")
    if verification.ok:
        status = (f'<p class="ok">Intact: {verification.records} records, chain and head verified'
                  f'{", HMAC checked" if verification.hmac_checked else ""}.</p>')
    else:
        status = f'<p class="bad">NOT INTACT: {escape(str(verification.problem))}</p>'
    denial_rows = [[escape(str(r.get("seq"))), escape(r.get("time", "")), escape(r.get("user", "")),
                    escape(r.get("command", "")),
                    escape("; ".join((r.get("decision") or {}).get("reasons", [])))]
                   for r in summary["denials"]]
    rows, classes = [], []
    for r in records:
        outcome = r.get("outcome") or {}
        pol = r.get("policy") or {}
        rows.append([
            escape(str(r.get("seq"))), escape(str(r.get("time", ""))[:19].replace("T", " ")),
            escape(r.get("user", "")), escape(r.get("host", "")), escape(r.get("command", "")),
            f"<code>{escape(json.dumps(r.get('options', {}), sort_keys=True))}</code>",
            escape(f"{pol.get('id', '-')} {pol.get('version', '')}"),
            escape(outcome.get("status", "?") + (f" {outcome['code']}" if outcome.get("code") else "")),
            escape(str(r.get("duration_s", ""))), _files(r.get("inputs", [])), _files(r.get("outputs", [])),
        ])
        classes.append("denied" if outcome.get("status") == "denied" else "")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>dsm-clinic audit report: {escape(workspace)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>dsm-clinic audit report: {escape(workspace)}</h1>",
        f'<p class="small">Generated {escape(generated)} (UTC). Policy in force: {escape(policy.get("id", ""))} '
        f'{escape(policy.get("version", ""))}, sha256 {escape(policy.get("sha256", ""))}</p>',
        "<h2>Integrity</h2>", status,
        '<div class="counts"><div>', _counts("Records by user", summary["by_user"]),
        "</div><div>", _counts("Records by command", summary["by_command"]),
        "</div><div>", _counts("Records by outcome", summary["by_outcome"]), "</div></div>",
        "<h2>Policy denials</h2>",
        _table(["seq", "time (UTC)", "user", "command", "reasons"], denial_rows) if denial_rows
        else "<p>None.</p>",
        "<h2>All records</h2>",
        _table(["seq", "time (UTC)", "user", "host", "command", "options", "policy", "outcome",
                "seconds", "inputs", "outputs"], rows, classes),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
