"""Atomic writes, sha256 of files and folders, artifact manifests and their lineage."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from dsm_clinic.io.atomic import AtomicFile, atomic_write, atomic_write_json, atomic_write_text
from dsm_clinic.io.hashing import sha256_file, sha256_path, sha256_tree
from dsm_clinic.io.manifest import (
    MANIFEST,
    data_status,
    file_ref,
    lineage,
    read_manifest,
    write_manifest,
)


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "prima\n")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("metà scritto")
        raise RuntimeError("crash")
    assert target.read_text(encoding="utf-8") == "prima\n" and leftovers(tmp_path) == []
    atomic_write_text(target, "dopo\n")
    assert target.read_text(encoding="utf-8") == "dopo\n"


def test_atomic_write_json_is_stable_and_keeps_accents(tmp_path):
    atomic_write_json(tmp_path / "a.json", {"b": 1, "a": "città"})
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert text == '{\n  "a": "città",\n  "b": 1\n}\n'


def test_atomic_file_commit_and_discard(tmp_path):
    target = tmp_path / "sub" / "data.bin"
    af = AtomicFile(target)
    af.fh.write(b"abc")
    assert not target.exists() and af.tmp.parent == target.parent
    af.commit()
    assert target.read_bytes() == b"abc" and leftovers(target.parent) == []

    af = AtomicFile(target)
    af.fh.write(b"nuovo")
    af.discard()
    assert target.read_bytes() == b"abc" and leftovers(target.parent) == []

    # a writer that needs a path closes fh and writes to tmp itself
    af = AtomicFile(target)
    af.fh.close()
    af.tmp.write_bytes(b"via path")
    af.commit()
    assert target.read_bytes() == b"via path"


def test_sha256_file_streams_past_the_chunk_size(tmp_path):
    data = os.urandom(3 * (1 << 20) + 17)
    (tmp_path / "big.bin").write_bytes(data)
    assert sha256_file(tmp_path / "big.bin") == hashlib.sha256(data).hexdigest()
    assert sha256_path(tmp_path / "big.bin") == hashlib.sha256(data).hexdigest()


def test_sha256_tree_sees_names_and_content_not_creation_order(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root, order in ((a, ["x.txt", "d/y.txt"]), (b, ["d/y.txt", "x.txt"])):
        for name in order:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(name)
    assert sha256_tree(a) == sha256_tree(b) == sha256_path(a)
    (b / "x.txt").rename(b / "z.txt")
    assert sha256_tree(a) != sha256_tree(b)
    (b / "z.txt").rename(b / "x.txt")
    (b / "x.txt").write_text("X.txt")
    assert sha256_tree(a) != sha256_tree(b)


def test_file_ref_paths_relative_to_the_workspace(tmp_path):
    f = tmp_path / "ws" / "data" / "notes.jsonl"
    f.parent.mkdir(parents=True)
    f.write_text('{"id": "1", "text": "x"}\n')
    ref = file_ref(f, records=1, base=tmp_path / "ws")
    assert ref == {"path": "data/notes.jsonl", "sha256": sha256_file(f), "records": 1}
    outside = file_ref(f, base=tmp_path / "elsewhere")
    assert outside["path"] == f.as_posix() and "records" not in outside


def test_manifests_walk_back_from_scores_to_the_raw_notes(tmp_path):
    raw = tmp_path / "raw" / "notes.jsonl"
    raw.parent.mkdir()
    raw.write_text('{"id": "1", "text": "Mario Rossi, asma"}\n')
    deid_dir, score_dir = tmp_path / "deid", tmp_path / "scores"
    (deid_dir).mkdir()
    (deid_dir / "notes.jsonl").write_text('{"id": "1", "text": "<PERSONA>, asma"}\n')
    write_manifest(deid_dir, kind="deid", config={"mode": "tag"},
                   inputs=[file_ref(raw, records=1)],
                   outputs=[file_ref(deid_dir / "notes.jsonl", records=1, base=deid_dir)],
                   parents=[raw.parent], data_status="deidentified")
    m = write_manifest(score_dir, kind="scores", parents=[deid_dir, tmp_path / "nowhere"])

    assert [p["kind"] for p in m["parents"]] == ["deid"]  # folders without a manifest are skipped
    assert m["parents"][0]["manifest_sha256"] == sha256_file(deid_dir / MANIFEST)
    assert m["created_at"].endswith("Z") and m["tool"] == "dsm-clinic"
    assert json.loads((score_dir / MANIFEST).read_text()) == m

    chain = lineage(score_dir / "scores.parquet")
    assert [c["kind"] for c in chain] == ["scores", "deid"]
    assert chain[1]["inputs"][0]["sha256"] == sha256_file(raw)
    assert read_manifest(deid_dir / "notes.jsonl")["config"] == {"mode": "tag"}
    assert data_status(deid_dir / "notes.jsonl") == "deidentified"
    assert data_status(raw) == "raw" and data_status(score_dir) == "raw"


def test_unreadable_manifest_reads_as_none(tmp_path):
    (tmp_path / MANIFEST).write_text("{not json")
    assert read_manifest(tmp_path) is None and data_status(tmp_path) == "raw"
