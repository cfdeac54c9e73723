"""Helpers shared by the tests that score the analyzer on hand-written gold notes."""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).parent / "data"


def load_gold(name: str) -> list[dict]:
    """The records of tests/data/NAME.jsonl."""
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text().splitlines()]


def predicted_spans(analyzer, records: list[dict]) -> list[list[tuple[int, int]]]:
    return [[(s.start, s.end) for s in analyzer.analyze(r["text"])] for r in records]


def outside_gold(records: list[dict], word: str) -> list[tuple[int, int, int]]:
    """(note index, start, end) of each whole-word occurrence of `word` outside gold PHI."""
    found = []
    for i, record in enumerate(records):
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", record["text"]):
            if not any(g["start"] < m.end() and m.start() < g["end"] for g in record["phi"]):
                found.append((i, m.start(), m.end()))
    return found


def masked(predicted, place: tuple[int, int, int]) -> bool:
    """True when a predicted span covers any of the place's characters."""
    i, start, end = place
    return any(s < end and start < e for s, e in predicted[i])
