"""The de-identification analyzer: Presidio's AnalyzerEngine for Italian on a spaCy pipeline the
project builds itself (`spacy.blank("it")`, or a NER pipeline trained by `deid train-ner`),
with the recognizers of `deid/recognizers/`. Nothing is ever downloaded.

`Analyzer.analyze(text)` returns PHI spans typed with `entities.PHI_TYPES`, sorted and
non-overlapping, with allow-listed eponyms removed; notes longer than the pipeline's
max_length are analyzed in overlapping chunks.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from dsm_clinic.offline import apply_offline_env

# tldextract (imported by Presidio) reads its download URLs once, at import time.
apply_offline_env()

import spacy  # noqa: E402
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult  # noqa: E402
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer  # noqa: E402
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine  # noqa: E402
from presidio_analyzer.predefined_recognizers import (  # noqa: E402
    IbanRecognizer,
    ItDriverLicenseRecognizer,
    ItIdentityCardRecognizer,
    ItPassportRecognizer,
    ItVatCodeRecognizer,
)

from dsm_clinic.deid import eponyms, ocr  # noqa: E402
from dsm_clinic.deid.entities import PHI_TYPES  # noqa: E402
from dsm_clinic.deid.gazetteers import Gazetteers, load_gazetteers  # noqa: E402
from dsm_clinic.deid.recognizers.addresses import AddressRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.dates import ItalianDateRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.email import ItalianEmailRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.fiscal_code import (  # noqa: E402
    FiscalCodeRecognizer,
    LooseFiscalCodeRecognizer,
    SpacedFiscalCodeRecognizer,
)
from dsm_clinic.deid.recognizers.health_card import HealthCardRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.hl7 import Hl7Recognizer  # noqa: E402
from dsm_clinic.deid.recognizers.iban import ItalianIbanRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.ids import RecordNumberRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.names import NameRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.ner import TrainedNerRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.phones import ItalianPhoneRecognizer  # noqa: E402
from dsm_clinic.deid.recognizers.places import PlaceRecognizer  # noqa: E402
from dsm_clinic.errors import error  # noqa: E402
from dsm_clinic.io.hashing import sha256_bytes, sha256_path  # noqa: E402

LANGUAGE = "it"
DEFAULT_SCORE_THRESHOLD = 0.4
# Presidio entity names of the stock recognizers kept, in our vocabulary.
ENTITY_MAP: dict[str, str] = {
    "PERSON": "PERSONA", "LOCATION": "LUOGO", "DATE_TIME": "DATA", "PHONE_NUMBER": "TELEFONO",
    "EMAIL_ADDRESS": "EMAIL", "IT_FISCAL_CODE": "CODICE_FISCALE", "IBAN_CODE": "IBAN",
    "IT_DRIVER_LICENSE": "ID", "IT_IDENTITY_CARD": "ID", "IT_PASSPORT": "ID", "IT_VAT_CODE": "ID",
    "CREDIT_CARD": "ID",
} | {t: t for t in PHI_TYPES}
# Types whose spans may hold an allow-listed eponym (an address "Via Parkinson" stays whole).
_ALLOW_LISTED_TYPES = {"PERSONA", "LUOGO"}

# The NER shipped with the package (`make ner-model` rebuilds it, see ner_train.py); build_analyzer
# uses it unless told otherwise.
DEFAULT_NER_DIR = Path(__file__).parent / "data" / "ner"
DEFAULT_NER = "default"

logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)


@dataclass(frozen=True, order=True)
class Span:
    """A PHI span of a note: text[start:end] is of `type` (a key of PHI_TYPES)."""

    start: int
    end: int
    type: str
    score: float
    recognizer: str

    def to_dict(self) -> dict:
        return asdict(self)


class _NoContextEnhancer(ContextAwareEnhancer):
    """Keeps scores as the recognizers set them: ours read their own context from the text."""

    def __init__(self) -> None:
        super().__init__(context_similarity_factor=0, min_score_with_context_similarity=0,
                         context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers,
                              context=None):
        return raw_results


class _LocalSpacyEngine(SpacyNlpEngine):
    """Presidio's spaCy engine around a pipeline we built; load() never downloads."""

    def __init__(self, nlp: spacy.Language, labels: list[str]):
        mapping = {label: label for label in labels} or {"PERSONA": "PERSONA"}
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": "dsm-clinic-local"}],
                         ner_model_configuration=NerModelConfiguration(
                             model_to_presidio_entity_mapping=mapping,
                             labels_to_ignore=[]))
        self.nlp = {LANGUAGE: nlp}

    def load(self) -> None:
        pass


def _load_ner_pipeline(path: Path) -> tuple[spacy.Language, list[str]]:
    """The trained pipeline and its PHI labels; raises E602 when it is not one."""
    if not path.is_dir():
        raise error("E602", path=str(path), detail="not a folder")
    try:
        nlp = spacy.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise error("E602", path=str(path), detail=str(exc).splitlines()[0]) from exc
    if nlp.lang != LANGUAGE:
        raise error("E602", path=str(path), detail=f"language is '{nlp.lang}', not 'it'")
    labels: set[str] = set()
    for name in ("ner", "entity_ruler", "span_ruler"):
        if name in nlp.pipe_names:
            labels.update(getattr(nlp.get_pipe(name), "labels", ()))
    phi = sorted(labels & set(PHI_TYPES))
    if not phi:
        raise error("E602", path=str(path),
                    detail=f"no entity label among {', '.join(PHI_TYPES)}")
    return nlp, phi


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Sorted, non-overlapping spans: each group of overlapping spans becomes one span over
    their union, typed after the longest member (then the highest score)."""
    result: list[Span] = []
    group: list[Span] = []
    group_end = -1

    def close() -> None:
        if not group:
            return
        best = max(group, key=lambda s: (s.end - s.start, s.score))
        result.append(Span(group[0].start, max(s.end for s in group), best.type,
                           max(s.score for s in group), best.recognizer))

    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if group and span.start < group_end:
            group.append(span)
            group_end = max(group_end, span.end)
            continue
        close()
        group, group_end = [span], span.end
    close()
    return result


def _remove_allowed(spans: list[Span], text: str) -> list[Span]:
    """Cut allow-listed eponyms out of PERSONA and LUOGO spans; drop what is left if it holds
    no letters but particles."""
    ranges = eponyms.allowed_ranges(text)
    if not ranges:
        return spans
    out = []
    for span in spans:
        hits = [(s, e) for s, e in ranges if s < span.end and span.start < e]
        if not hits or span.type not in _ALLOW_LISTED_TYPES:
            out.append(span)
            continue
        pos = span.start
        pieces = []
        for s, e in hits:
            if s > pos:
                pieces.append((pos, s))
            pos = max(pos, e)
        if pos < span.end:
            pieces.append((pos, span.end))
        for s, e in pieces:
            piece = text[s:e]
            core = piece.strip(" ,;:.-'’()")
            letters = [w for w in core.split() if w.lower() not in
                       {"di", "de", "del", "della", "e", "la", "lo", "d'", "von", "van"}]
            if letters and any(c.isalpha() for c in "".join(letters)):
                lead = len(piece) - len(piece.lstrip(" ,;:.-'’()"))
                out.append(Span(s + lead, s + lead + len(core), span.type, span.score,
                                span.recognizer))
    return out


class Analyzer:
    """Finds PHI in Italian notes; build it with `build_analyzer`."""

    def __init__(self, engine: AnalyzerEngine, *, score_threshold: float, config: dict,
                 max_length: int, overlap: int):
        self.engine = engine
        self.score_threshold = score_threshold
        self.config = config
        self.max_length = max_length
        self.overlap = overlap

    def config_hash(self) -> str:
        """sha256 of the configuration (recognizers, versions, thresholds, data hashes)."""
        blob = json.dumps(self.config, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return sha256_bytes(blob)

    def analyze(self, text: str) -> list[Span]:
        """PHI spans of `text`, sorted and non-overlapping."""
        if not text:
            return []
        seen = ocr.repair(text)  # same length: spans found on it hold for `text`
        if len(seen) <= self.max_length:
            spans = self._analyze_one(seen)
        else:
            spans = self._analyze_chunked(seen)
        return resolve_overlaps(_remove_allowed(spans, seen))

    def _analyze_one(self, text: str, offset: int = 0) -> list[Span]:
        results: list[RecognizerResult] = self.engine.analyze(
            text=text, language=LANGUAGE, score_threshold=self.score_threshold)
        spans = []
        for r in results:
            kind = ENTITY_MAP.get(r.entity_type)
            if kind is None:
                continue  # URLs, crypto wallets...: not PHI types of ours
            name = (r.recognition_metadata or {}).get("recognizer_name", "")
            spans.append(Span(r.start + offset, r.end + offset, kind, round(r.score, 4), name))
        return spans

    def chunk_bounds(self, length: int, text: str | None = None) -> list[tuple[int, int]]:
        """[start, end) windows of at most max_length characters covering [0, length), each
        overlapping the next by `overlap` characters; cut at whitespace where possible."""
        bounds = []
        start = 0
        step = self.max_length - self.overlap
        while True:
            end = min(length, start + self.max_length)
            if end < length and text is not None:
                cut = max(text.rfind(" ", start + step, end), text.rfind("\n", start + step, end))
                if cut > start + step:
                    end = cut
            bounds.append((start, end))
            if end >= length:
                return bounds
            nxt = end - self.overlap
            if text is not None:
                space = text.find(" ", nxt, end)
                nxt = space + 1 if space != -1 else nxt
            start = max(nxt, start + 1)

    def _analyze_chunked(self, text: str) -> list[Span]:
        """Analyze overlapping windows. A window keeps the spans that start between the middles
        of its overlaps with its neighbours: there it sees at least overlap/2 characters of
        context on each side, so a span cut by its edge (shorter than that) is kept whole by
        the neighbour, and no span is kept twice."""
        bounds = self.chunk_bounds(len(text), text)
        cuts = [0] + [(bounds[i][1] + bounds[i + 1][0]) // 2 for i in range(len(bounds) - 1)] \
            + [len(text)]
        spans: list[Span] = []
        for i, (s, e) in enumerate(bounds):
            spans.extend(span for span in self._analyze_one(text[s:e], offset=s)
                         if cuts[i] <= span.start < cuts[i + 1])
        return spans


def build_analyzer(*, ner_model_dir: Path | str | None = DEFAULT_NER,
                   score_threshold: float = DEFAULT_SCORE_THRESHOLD,
                   gazetteer_dir: Path | str | None = None,
                   max_length: int | None = None, overlap: int = 400) -> Analyzer:
    """Build the Italian analyzer; never downloads.

    `ner_model_dir`: a spaCy pipeline saved with `nlp.to_disk` whose labels are PHI types (from
    `deid train-ner`); its entities, checked by `recognizers.ner.check_entity`, join the
    rule-based ones. "default" (the default) is the NER shipped in the package; None is rules
    only. `max_length` overrides the pipeline's (notes longer than it are chunked with
    `overlap` characters in common).
    Raises E602 for an unusable NER folder, E601 for unreadable gazetteers, E603 for bad
    options.
    """
    if not 0.0 <= score_threshold <= 1.0:
        raise error("E603", option="score_threshold", detail=f"{score_threshold} is not in [0, 1]")
    gaz: Gazetteers = load_gazetteers(Path(gazetteer_dir) if gazetteer_dir else None)
    labels: list[str] = []
    ner_hash = None
    if ner_model_dir == DEFAULT_NER:
        ner_model_dir = DEFAULT_NER_DIR
    if ner_model_dir is not None:
        nlp, labels = _load_ner_pipeline(Path(ner_model_dir))
        ner_hash = sha256_path(ner_model_dir)
    else:
        nlp = spacy.blank(LANGUAGE)
    if max_length is not None:
        nlp.max_length = max_length
    if overlap < 0 or overlap * 2 >= nlp.max_length:
        raise error("E603", option="overlap",
                    detail=f"{overlap} must be at least 0 and under half of max_length "
                           f"({nlp.max_length})")

    ours = [
        FiscalCodeRecognizer(), LooseFiscalCodeRecognizer(), SpacedFiscalCodeRecognizer(),
        HealthCardRecognizer(),
        ItalianPhoneRecognizer(), ItalianDateRecognizer(), AddressRecognizer(gaz),
        PlaceRecognizer(gaz), RecordNumberRecognizer(), ItalianEmailRecognizer(),
        ItalianIbanRecognizer(), NameRecognizer(gaz), Hl7Recognizer(),
    ]
    stock = [
        ItDriverLicenseRecognizer(), ItIdentityCardRecognizer(), ItPassportRecognizer(),
        ItVatCodeRecognizer(), IbanRecognizer(supported_language=LANGUAGE),
    ]
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for rec in ours + stock:
        registry.add_recognizer(rec)
    ner = TrainedNerRecognizer(labels, gazetteers=gaz) if labels else None
    if ner is not None:
        registry.add_recognizer(ner)
    engine = AnalyzerEngine(registry=registry, nlp_engine=_LocalSpacyEngine(nlp, labels),
                            supported_languages=[LANGUAGE],
                            context_aware_enhancer=_NoContextEnhancer())

    import presidio_analyzer

    from dsm_clinic import __version__

    config = {
        "language": LANGUAGE,
        "dsm_clinic": __version__,
        "presidio_analyzer": presidio_analyzer.__version__ if hasattr(
            presidio_analyzer, "__version__") else _dist_version("presidio-analyzer"),
        "spacy": spacy.__version__,
        "score_threshold": score_threshold,
        "max_length": nlp.max_length,
        "overlap": overlap,
        "recognizers": [rec.describe() for rec in ours]
        + [{"name": r.name, "class": f"{type(r).__module__}.{type(r).__qualname__}",
            "entities": r.supported_entities} for r in stock]
        + ([ner.describe()] if ner is not None else []),
        "ner_model": {"sha256": ner_hash, "labels": labels,
                      "shipped": Path(ner_model_dir) == DEFAULT_NER_DIR} if ner_hash else None,
        "gazetteers": gaz.hashes,
        "allow_list": sha256_bytes(eponyms.allow_list_fingerprint().encode("utf-8")),
        "entity_map": ENTITY_MAP,
    }
    return Analyzer(engine, score_threshold=score_threshold, config=config,
                    max_length=nlp.max_length, overlap=overlap)


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def build_presidio_baseline() -> AnalyzerEngine:
    """Presidio's stock Italian analyzer on `spacy.blank("it")`: the recognizers Presidio
    registers for Italian and nothing of ours (the benchmark and tests compare against it)."""
    engine = _LocalSpacyEngine(spacy.blank(LANGUAGE), [])
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=engine)
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE])


def baseline_spans(engine: AnalyzerEngine, text: str) -> list[Span]:
    """The baseline's results as our Spans (types mapped, unknown types dropped)."""
    spans = []
    for r in engine.analyze(text=text, language=LANGUAGE):
        kind = ENTITY_MAP.get(r.entity_type)
        if kind is not None:
            name = (r.recognition_metadata or {}).get("recognizer_name", "")
            spans.append(Span(r.start, r.end, kind, round(r.score, 4), name))
    return resolve_overlaps(spans)
