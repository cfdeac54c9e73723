"""Governed stages for de-identification: `deid run`, `deid evaluate`, `deid train-ner`."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Literal

from pydantic import Field

from dsm_clinic.errors import error
from dsm_clinic.governance.guard import Run
from dsm_clinic.governance.stage import StageOptions, stage
from dsm_clinic.workspace import Workspace

Mode = Literal["surrogate", "tag", "mask", "redact"]


def ner_model_of(ws: Workspace) -> Path | str | None:
    """The NER the workspace config names (deid.ner_model): a folder, "default" (the one
    shipped in the package, when the setting is absent) or None ("none": rules only)."""
    name = ws.config.deid.ner_model
    if name is None or name == "default":
        return "default"
    if name == "none":
        return None
    return ws.resolve(name)


def _shown_ner(ws: Workspace) -> str | None:
    ner = ner_model_of(ws)
    return ner if ner is None or isinstance(ner, str) else ws.shown(ner)


def analyzer_factory(ws: Workspace):
    from dsm_clinic.deid.runner import AnalyzerFactory

    ner = ner_model_of(ws)
    return AnalyzerFactory("dsm_clinic.deid.analyzer:build_analyzer",
                           {"ner_model_dir": str(ner) if ner else None})


PARTS = ".partial"  # checkpointed parts of an unfinished run, inside the output folder


def _empty_or_new(path: Path, resume: bool = False) -> None:
    if resume:
        raise error("E310", path=path, detail="there is no interrupted run to resume")
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise error("E303", path=path)


class DeidRunOptions(StageOptions):
    input: Path = Field(description="notes with PHI: JSONL, CSV or Parquet")
    out: Path = Field(description="folder for the de-identified notes (same file name and "
                                  "format as the input), rejects.jsonl and manifest.json")
    mode: Mode = Field("surrogate", description="surrogate (realistic fakes), tag (<PERSONA>), "
                                                "mask (****) or redact (removed)")
    workers: int = Field(1, ge=1, le=64, description="processes; output order is input order")
    text_field: str = Field("text", description="the field holding the note text")
    id_field: str = Field("id", description="the field holding the note id")
    patient_field: str = Field("patient_id", description="the field grouping a patient's notes "
                                                         "(surrogates are consistent within it)")
    resume: bool = Field(False, description="continue an interrupted run in the same folder")
    checkpoint_every: int = Field(1000, ge=1, description="commit the output every N records, "
                                                          "so an interrupted run can resume")
    date_fields: list[str] = Field(["date"], description="record fields holding dates: shifted "
                                   "with the patient's offset in surrogate mode, cut to the year "
                                   "in the other modes")


@stage("deid run", options=DeidRunOptions, inputs=("input",))
def deid_run(run: Run, opts: DeidRunOptions) -> dict:
    """De-identify notes: every record ends in the output or in rejects.jsonl with its reason."""
    from dsm_clinic.deid.analyzer import build_analyzer
    from dsm_clinic.deid.runner import DeidStats, deidentify_records
    from dsm_clinic.deid.surrogates import Surrogates
    from dsm_clinic.governance.audit import read_key
    from dsm_clinic.io.checkpoint import PartStore
    from dsm_clinic.io.hashing import sha256_file
    from dsm_clinic.io.manifest import artifact_dir, file_ref, write_manifest
    from dsm_clinic.io.records import open_reader, open_writer

    parts_dir = opts.out / PARTS
    if not (parts_dir / "state.json").is_file():
        _empty_or_new(opts.out, resume=opts.resume)
    ws = run.workspace
    out_file = opts.out / opts.input.name
    rejects = opts.out / "rejects.jsonl"
    key = read_key(ws.surrogate_key_path) if opts.mode == "surrogate" else None
    run.progress("analyzer", 0, 1)
    factory = analyzer_factory(ws)
    analyzer = build_analyzer(**factory.kwargs)  # built here too, for its configuration hash
    run.progress("analyzer", 1, 1)
    fingerprint = {"input_sha256": sha256_file(opts.input), "analyzer": analyzer.config_hash(),
                   **opts.model_dump(mode="json", exclude={"resume", "workers", "checkpoint_every"})}
    store = PartStore.open(parts_dir, fingerprint=fingerprint, every=opts.checkpoint_every,
                           resume=opts.resume)
    stats = DeidStats()
    stats.entities.update(store.totals.get("entities", {}))
    surrogates = Surrogates(key) if key is not None else None
    total = _count_lines(opts.input)
    with open_reader(opts.input, rejects=rejects, id_field=opts.id_field,
                     text_field=opts.text_field) as reader:
        pending: deque[dict] = deque()  # originals in flight, so a failure loses nothing

        def feed():
            for index, rec in enumerate(reader):
                if store.is_done(index):  # handled by the interrupted run
                    if store.failure(index):
                        reader.reject(rec, "deid_failed", store.failure(index))
                    continue
                pending.append(dict(rec))
                yield rec

        outcomes = deidentify_records(
            feed(), analyze=analyzer.analyze if opts.workers == 1 else factory, mode=opts.mode,
            key=key, workers=opts.workers, patient_field=opts.patient_field, total=total,
            on_progress=run.progress)
        try:
            for outcome in outcomes:
                original = pending.popleft()
                stats.add(outcome)
                if outcome.error is not None:
                    reader.reject(original, "deid_failed", outcome.error.code)
                    store.record_failure(store.done, outcome.error.code)
                else:
                    store.write(_original_names(_dated(outcome.record, surrogates, opts), opts))
                store.advance({"entities": dict(stats.entities)})
            store.commit({"entities": dict(stats.entities)})
        except BaseException:
            store.abort()
            raise
        with open_writer(out_file) as writer:
            writer.write_all(store.records())
    counts = reader.counts.with_written(writer.count).check("deid run")
    store.remove()
    run.input(opts.input, records=counts.read)
    manifest = write_manifest(
        opts.out, kind="deid", data_status="deidentified",
        config=opts.model_dump(mode="json") | {"input": ws.shown(opts.input),
                                               "out": ws.shown(opts.out)},
        inputs=[file_ref(opts.input, counts.read, base=ws.root)],
        outputs=[file_ref(out_file, counts.written, base=ws.root),
                 file_ref(rejects, counts.rejected, base=ws.root)],
        parents=[artifact_dir(opts.input)],
        extra={"mode": opts.mode, "analyzer": {"config_hash": analyzer.config_hash(),
                                               "ner_model": _shown_ner(ws)},
               "entities": dict(sorted(stats.entities.items())), "counts": counts.as_dict()})
    run.output(out_file, records=counts.written)
    run.output(rejects, records=counts.rejected)
    run.output(opts.out / "manifest.json")
    return {"out": str(out_file), "rejects": str(rejects), "mode": opts.mode,
            **counts.as_dict(), "entities": manifest["entities"],
            "analyzer_config_hash": manifest["analyzer"]["config_hash"]}


def _dated(record: dict, surrogates, opts: DeidRunOptions) -> dict:
    """Date fields of the record are PHI too: shift them like the dates in the text."""
    from dsm_clinic.deid.dates import shift_date_text
    from dsm_clinic.deid.runner import patient_key_of

    for name in opts.date_fields:
        value = record.get(name)
        if not isinstance(value, str) or not value:
            continue
        if surrogates is not None:
            offset = surrogates.date_offset(patient_key_of(record, "id", opts.patient_field))
            record[name] = shift_date_text(value, offset) or ""  # unparseable: blank it
        else:
            record[name] = value[:4] if value[:4].isdigit() else ""
    return record


def _original_names(record: dict, opts: DeidRunOptions) -> dict:
    """The reader maps id/text fields to 'id'/'text'; give them their own names back."""
    if opts.text_field != "text":
        record[opts.text_field] = record.pop("text")
    if opts.id_field != "id":
        record[opts.id_field] = record.pop("id")
    return record


def _count_lines(path: Path) -> int | None:
    """Lines of a JSONL file, for the progress bar (None for other formats)."""
    if path.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        return None
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


class DeidEvaluateOptions(StageOptions):
    gold: Path = Field(description="notes with gold PHI spans: records with text and "
                                   "phi: [{start, end, type}]")
    report: Path | None = Field(None, description="write the full report as JSON here")


@stage("deid evaluate", options=DeidEvaluateOptions, inputs=("gold",))
def deid_evaluate(run: Run, opts: DeidEvaluateOptions) -> dict:
    """Score the analyzer on gold notes: P/R/F1 per type at span and token level, leak rate."""
    from dsm_clinic.deid.analyzer import build_analyzer
    from dsm_clinic.deid.evaluate import evaluate_analyzer
    from dsm_clinic.io.atomic import atomic_write_json
    from dsm_clinic.io.records import open_reader

    with open_reader(opts.gold, rejects=None) as reader:
        gold = list(reader)
    ner = ner_model_of(run.workspace)
    analyzer = build_analyzer(ner_model_dir=ner)
    report = evaluate_analyzer(gold, analyzer, on_progress=run.progress).to_dict()
    report["gold"] = {"path": run.workspace.shown(opts.gold), "notes": len(gold)}
    report["analyzer_config_hash"] = analyzer.config_hash()
    if opts.report:
        atomic_write_json(opts.report, report)
        run.output(opts.report)
    return report


class TrainNerOptions(StageOptions):
    gold: Path = Field(description="notes with gold PHI spans (the synthetic corpus, or the "
                                   "hospital's own annotations)")
    out: Path = Field(description="folder for the spaCy NER pipeline (new or empty)")
    epochs: int = Field(8, ge=1, le=200, description="training epochs")
    seed: int = Field(0, description="random seed")


@stage("deid train-ner", options=TrainNerOptions, inputs=("gold",))
def deid_train_ner(run: Run, opts: TrainNerOptions):
    """Train the PHI NER the analyzer adds to its recognizers (set deid.ner_model to use it)."""
    from dsm_clinic.deid.ner_train import train_ner
    from dsm_clinic.io.manifest import data_status, file_ref
    from dsm_clinic.io.records import open_reader

    with open_reader(opts.gold, rejects=None) as reader:
        gold = list(reader)
    status = data_status(opts.gold)
    result = train_ner(gold, opts.out, epochs=opts.epochs, seed=opts.seed,
                       inputs=[file_ref(opts.gold, len(gold), base=run.workspace.root)],
                       data_status="synthetic" if status == "synthetic" else "raw",
                       on_progress=run.progress)
    run.output(opts.out)
    return result
