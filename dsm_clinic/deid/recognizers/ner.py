"""Entities from a trained spaCy NER pipeline (`deid train-ner`), as a Presidio recognizer.

The trained pipeline is the analyzer's spaCy pipeline itself (see analyzer.py), so its entities
arrive in Presidio's NlpArtifacts and the note is tokenized once. Only labels that are PHI types
count; their score is fixed, since spaCy's NER gives none.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.deid.recognizers.base import LANGUAGE


class TrainedNerRecognizer(EntityRecognizer):
    VERSION = "1"

    def __init__(self, labels: list[str], *, score: float = 0.75) -> None:
        self.labels = sorted(set(labels) & set(PHI_TYPES))
        self.score = score
        super().__init__(supported_entities=self.labels or ["PERSONA"], name="TrainedNerRecognizer",
                         supported_language=LANGUAGE, context=[])

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if nlp_artifacts is None or not nlp_artifacts.entities:
            return []
        return [RecognizerResult(entity_type=ent.label_, start=ent.start_char, end=ent.end_char,
                                 score=self.score)
                for ent in nlp_artifacts.entities if ent.label_ in self.labels
                and (not entities or ent.label_ in entities)]

    def describe(self) -> dict:
        return {"name": self.name, "labels": self.labels, "score": self.score,
                "version": self.VERSION,
                "class": f"{type(self).__module__}.{type(self).__qualname__}"}
