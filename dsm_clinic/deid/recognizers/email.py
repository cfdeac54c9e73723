"""E-mail and PEC addresses, matched by shape only.

Presidio's e-mail recognizer validates the domain with tldextract, which may try to download
the public suffix list; a shape check is enough for notes and never touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.recognizers.base import TextRecognizer

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_])?"
    r"\s?(?:@|\[at\]|\(at\))\s?"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w@-])")


class ItalianEmailRecognizer(TextRecognizer):
    ENTITY = "EMAIL"
    NAME = "ItalianEmailRecognizer"
    VERSION = "1"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        for m in _EMAIL.finditer(text):
            yield m.start(), m.end(), 0.9
