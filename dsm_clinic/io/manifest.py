"""The `manifest.json` every artifact folder holds (see DESIGN.md, "Contracts").

A manifest names what produced the folder (kind, tool version, validated config), what went
in and came out (path, sha256, record counts) and its parent artifacts, so that a score file
can be walked back to the hash of the raw notes it came from.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from dsm_clinic.io.atomic import atomic_write_json
from dsm_clinic.io.hashing import sha256_file, sha256_path

MANIFEST = "manifest.json"
DataStatus = Literal["raw", "synthetic", "deidentified"]


def utc_now() -> str:
    """UTC time as ISO 8601 with a Z suffix, to the microsecond."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def file_ref(path: str | Path, records: int | None = None, base: str | Path | None = None) -> dict:
    """Describe a file or folder: path (relative to `base` when inside it), sha256, records."""
    p = Path(path)
    shown = p
    if base is not None:
        try:
            shown = p.resolve().relative_to(Path(base).resolve())
        except ValueError:
            shown = p
    ref: dict[str, Any] = {"path": shown.as_posix(), "sha256": sha256_path(p)}
    if records is not None:
        ref["records"] = int(records)
    return ref


def write_manifest(
    out_dir: str | Path,
    *,
    kind: str,
    config: dict | None = None,
    inputs: Iterable[dict] = (),
    outputs: Iterable[dict] = (),
    parents: Iterable[str | Path] = (),
    data_status: DataStatus | None = None,
    extra: dict | None = None,
) -> dict:
    """Write `out_dir/manifest.json` atomically and return it.

    `inputs`/`outputs` are `file_ref` dicts; `parents` are artifact folders whose manifests
    are referenced by path and sha256. `data_status` tells the policy whether the notes in
    this folder are raw (may hold PHI), synthetic or de-identified.
    """
    from dsm_clinic import __version__

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parent_refs = []
    for parent in parents:
        pm = Path(parent) / MANIFEST
        if not pm.is_file():
            continue
        pdata = json.loads(pm.read_text(encoding="utf-8"))
        parent_refs.append({"path": str(Path(parent).resolve()), "kind": pdata.get("kind"),
                            "manifest_sha256": sha256_file(pm)})
    manifest: dict[str, Any] = {
        "kind": kind,
        "tool": "dsm-clinic",
        "tool_version": __version__,
        "created_at": utc_now(),
        "config": config or {},
        "inputs": list(inputs),
        "outputs": list(outputs),
        "parents": parent_refs,
    }
    if data_status is not None:
        manifest["data_status"] = data_status
    if extra:
        manifest.update(extra)
    atomic_write_json(out / MANIFEST, manifest)
    return manifest


def artifact_dir(path: str | Path) -> Path:
    """The artifact folder of a path: the folder itself, or a file's parent."""
    p = Path(path)
    return p if p.is_dir() else p.parent


def read_manifest(path: str | Path) -> dict | None:
    """Return the manifest of the artifact holding `path`, or None when there is none."""
    mf = artifact_dir(path) / MANIFEST
    if not mf.is_file():
        return None
    try:
        return json.loads(mf.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def data_status(path: str | Path) -> str:
    """'synthetic', 'deidentified' or 'raw' (no manifest, or none stated, counts as raw)."""
    m = read_manifest(path)
    status = (m or {}).get("data_status")
    return status if status in ("synthetic", "deidentified") else "raw"


def lineage(path: str | Path) -> list[dict]:
    """Walk parent manifests from `path` back to the roots; return them nearest first."""
    chain: list[dict] = []
    seen: set[str] = set()
    todo = [artifact_dir(path)]
    while todo:
        d = todo.pop(0)
        key = str(d.resolve())
        if key in seen:
            continue
        seen.add(key)
        m = read_manifest(d)
        if m is None:
            continue
        chain.append({"dir": key, **m})
        todo.extend(Path(p["path"]) for p in m.get("parents", []))
    return chain
