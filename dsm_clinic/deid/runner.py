"""De-identify a stream of note records, in one process or several, keeping input order.

Each record's text goes through the analyzer (spans) and `operators.apply` (the mode); every
other field is kept as it was. A record that cannot be processed comes back with an error in
its place, so the stage can put it in the rejects file; the others go on.

With `workers > 1` a process pool (forkserver where available, else spawn: never fork, since
the parent may hold threads) builds the analyzer once per worker from a picklable recipe and
works on chunks of texts. At most two chunks per worker are in flight, so memory stays bounded
however long the input is, and chunks are collected in submission order, so the output order
equals the input order.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing as mp
import pickle
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from dsm_clinic.deid.operators import MODES, apply
from dsm_clinic.deid.surrogates import Surrogates
from dsm_clinic.errors import DsmError, error

Analyze = Callable[[str], list]
Progress = Callable[..., None]
_IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class AnalyzerFactory:
    """A picklable recipe for an analyzer: a function (or "module:function") and its kwargs.

    The function returns either a callable `text -> spans` or an object whose `.analyze(text)`
    returns spans (e.g. `dsm_clinic.deid.analyzer.build_analyzer`).
    """

    target: Callable[..., Any] | str
    kwargs: dict = field(default_factory=dict)

    def build(self) -> Analyze:
        fn = self.target
        if isinstance(fn, str):
            module, _, name = fn.partition(":")
            fn = getattr(importlib.import_module(module), name)
        return _as_analyze(fn(**self.kwargs))


def _as_analyze(obj: Any) -> Analyze:
    method = getattr(obj, "analyze", None)
    if callable(method):
        return method
    if callable(obj):
        return obj
    raise TypeError(f"{type(obj).__name__} is neither callable nor has .analyze")


class RecordOutcome(NamedTuple):
    """One input record's result: the de-identified record or an error, and spans by type."""

    record: dict | None
    error: DsmError | None
    counts: dict[str, int]


@dataclass
class DeidStats:
    """Totals over outcomes, for the stage's summary and the manifest."""

    records: int = 0
    deidentified: int = 0
    errors: int = 0
    entities: Counter = field(default_factory=Counter)

    def add(self, outcome: RecordOutcome) -> None:
        self.records += 1
        if outcome.error is None:
            self.deidentified += 1
            self.entities.update(outcome.counts)
        else:
            self.errors += 1

    def as_dict(self) -> dict:
        """Counts for the manifest: records, de-identified, errors, spans by type."""
        return {"records": self.records, "deidentified": self.deidentified,
                "errors": self.errors, "entities": dict(sorted(self.entities.items()))}


class _Worker:
    """What one process needs to de-identify texts: the analyzer, mode and surrogates."""

    def __init__(self, analyze: Analyze | AnalyzerFactory, mode: str, key: bytes | None,
                 text_field: str = "text"):
        self.mode = mode
        self.text_field = text_field
        self.surrogates = Surrogates(key) if mode == "surrogate" else None
        self.analyze = analyze.build() if isinstance(analyze, AnalyzerFactory) else analyze

    def one(self, text: Any, patient_key: str, record_id: str) -> tuple[str | None, dict | None, dict]:
        """(new text, None, counts) or (None, error as a dict, {}); never note text in errors."""
        if not isinstance(text, str):
            return None, _err("E654", record=record_id, field=self.text_field), {}
        try:
            spans = self.analyze(text)
            applied = apply(text, spans, mode=self.mode, surrogates=self.surrogates,
                            patient_key=patient_key)
        except DsmError as exc:
            return None, exc.to_dict(), {}
        except Exception as exc:  # noqa: BLE001 - one bad note must not stop the run
            # Only the exception's type: its message may quote the note.
            return None, _err("E655", record=record_id, detail=type(exc).__name__), {}
        return applied.text, None, applied.counts


def _err(code: str, **fields) -> dict:
    return error(code, **fields).to_dict()


def _rebuild(payload: dict) -> DsmError:
    return DsmError(payload["code"], payload["message"], payload["hint"], payload["exit_code"])


def _build_failure(exc: BaseException) -> dict:
    if isinstance(exc, DsmError):
        return exc.to_dict()
    return _err("E656", detail=f"{type(exc).__name__}: {exc}")


# --- worker process side
_STATE: dict[str, Any] = {}


def _init_worker(analyze, mode: str, key: bytes | None, text_field: str) -> None:
    # An exception here would make the pool respawn workers forever: keep it for the parent.
    try:
        _STATE["worker"] = _Worker(analyze, mode, key, text_field)
        _STATE["failure"] = None
    except Exception as exc:  # noqa: BLE001
        _STATE["failure"] = _build_failure(exc)


def _process_chunk(items: list[tuple[Any, str, str]]) -> dict:
    if _STATE.get("failure"):
        return {"failure": _STATE["failure"]}
    worker: _Worker = _STATE["worker"]
    return {"results": [worker.one(*item) for item in items]}


# --- caller side
def patient_key_of(record: dict, id_field: str = "id", patient_field: str = "patient_id") -> str:
    """The key surrogates and date offsets are consistent within: the patient, else the note."""
    pid = record.get(patient_field)
    # Prefixes keep a patient "7" apart from a record "7" without a patient.
    return f"patient:{pid}" if pid not in (None, "") else f"record:{record.get(id_field)}"


def _keys(record: dict, text_field: str, id_field: str, patient_field: str) -> tuple[Any, str, str]:
    return (record.get(text_field), patient_key_of(record, id_field, patient_field),
            str(record.get(id_field)))


def _outcome(record: dict, result: tuple, text_field: str) -> RecordOutcome:
    new_text, err, counts = result
    if err is not None:
        return RecordOutcome(None, _rebuild(err), {})
    out = dict(record)
    out[text_field] = new_text
    return RecordOutcome(out, None, counts)


def _context():
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        # Workers fork from a server that imported this module once: faster pool starts.
        ctx.set_forkserver_preload([__name__])
        return ctx
    return mp.get_context("spawn")


def deidentify_records(
    records: Iterable[dict],
    *,
    analyze: Analyze | AnalyzerFactory,
    mode: str = "surrogate",
    key: bytes | None = None,
    workers: int = 1,
    text_field: str = "text",
    id_field: str = "id",
    patient_field: str = "patient_id",
    chunk_size: int = 32,
    on_progress: Progress | None = None,
    total: int | None = None,
) -> Iterator[RecordOutcome]:
    """Yield one RecordOutcome per input record, in input order.

    `analyze` is a callable `text -> spans` or an AnalyzerFactory; with workers > 1 it must
    be picklable (a module-level function or an AnalyzerFactory, built once per worker).
    The patient key of surrogates is the record's `patient_field`, else its id.
    Raises E652 (mode), E650 (surrogate mode without key), E653 (short key), E657 (workers,
    chunk size) before anything runs, and E656 (or the builder's own DsmError) when the
    analyzer cannot be built.
    """
    if mode not in MODES:
        raise error("E652", mode=mode)
    if mode == "surrogate":
        if key is None:
            raise error("E650")
        Surrogates(key)  # E653 now, not in a worker
    if not isinstance(workers, int) or workers < 1:
        raise error("E657", option="workers", detail=f"{workers!r}", allowed="a whole number, 1 or more")
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise error("E657", option="chunk_size", detail=f"{chunk_size!r}", allowed="a whole number, 1 or more")
    if workers > 1:
        try:
            pickle.dumps(analyze)
        except Exception as exc:  # noqa: BLE001 - pickle raises several types
            raise error("E657", option="analyze", detail=f"cannot be sent to worker processes ({type(exc).__name__})",
                        allowed="pass a module-level function or an AnalyzerFactory") from None
    args = (records, analyze, mode, key, text_field, id_field, patient_field, chunk_size,
            on_progress, total)
    return _serial(*args) if workers == 1 else _parallel(*args, workers=workers)


def _report(on_progress, done: int, total, errors: int, entities: int) -> None:
    if on_progress is not None:
        on_progress("deid", done, total, errors=errors, entities=entities)


def _serial(records, analyze, mode, key, text_field, id_field, patient_field, chunk_size,
            on_progress, total) -> Iterator[RecordOutcome]:
    try:
        worker = _Worker(analyze, mode, key, text_field)
    except Exception as exc:  # noqa: BLE001
        raise _rebuild(_build_failure(exc)) from exc
    done = errors = entities = 0
    for record in records:
        text, patient_key, rid = _keys(record, text_field, id_field, patient_field)
        outcome = _outcome(record, worker.one(text, patient_key, rid), text_field)
        done += 1
        errors += outcome.error is not None
        entities += sum(outcome.counts.values())
        if done % chunk_size == 0:
            _report(on_progress, done, total, errors, entities)
        yield outcome
    _report(on_progress, done, total, errors, entities)


def _parallel(records, analyze, mode, key, text_field, id_field, patient_field, chunk_size,
              on_progress, total, *, workers: int) -> Iterator[RecordOutcome]:
    pool = _context().Pool(workers, initializer=_init_worker, initargs=(analyze, mode, key, text_field))
    pending: deque = deque()
    done = errors = entities = 0

    def collect() -> Iterator[RecordOutcome]:
        nonlocal done, errors, entities
        chunk, result = pending.popleft()
        reply = result.get()
        if "failure" in reply:
            raise _rebuild(reply["failure"])
        for record, item in zip(chunk, reply["results"], strict=True):
            outcome = _outcome(record, item, text_field)
            done += 1
            errors += outcome.error is not None
            entities += sum(outcome.counts.values())
            yield outcome
        _report(on_progress, done, total, errors, entities)

    try:
        it = iter(records)
        while chunk := list(itertools.islice(it, chunk_size)):
            payload = [_keys(r, text_field, id_field, patient_field) for r in chunk]
            pending.append((chunk, pool.apply_async(_process_chunk, (payload,))))
            if len(pending) >= workers * _IN_FLIGHT_PER_WORKER:
                yield from collect()
        while pending:
            yield from collect()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
