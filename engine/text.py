"""Korean text utilities: HTML to plain text, and Kiwi morpheme tokens for search.

Kiwi is built once per process, lazily (about 1 s and 100 MB); documents are tokenised at ingest and
their tokens stored, so a query needs only the query tokenised.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

# Morpheme tags kept as search tokens: nouns, roots, foreign words, numbers with Hanja.
_TOKEN_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SH", "XR", "VV", "VA", "SN"})

_kiwi_lock = threading.Lock()
_kiwi: Kiwi | None = None


def html_to_text(fragment: str | None) -> str:
    """Return readable plain text of an HTML fragment: entities decoded, one line per block."""
    if not fragment:
        return ""
    if "<" not in fragment:
        return normalize_space(html.unescape(fragment))
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
    return normalize_space(soup.get_text())


def normalize_space(text: str) -> str:
    """Collapse runs of spaces, strip each line and drop empty lines; NFC-normalise."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def clean_inline(text: str | None) -> str:
    """Return a single-line field with HTML entities decoded and spaces collapsed (not for URLs)."""
    if not text:
        return ""
    return _SPACES.sub(" ", html.unescape(text).replace("\r", " ").replace("\n", " ")).strip()


def kiwi() -> Kiwi:
    """Return the process-wide Kiwi instance, building it on first use."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                # The typo and multi-word dictionaries halve the load time and do not help search.
                _kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
    return _kiwi


def tokenize(text: str) -> list[str]:
    """Return the search tokens (content morphemes, lower-cased) of a Korean text."""
    if not text or not text.strip():
        return []
    return _tokens_of(kiwi().tokenize(text[:20000]))


def tokenize_many(texts: list[str]) -> list[list[str]]:
    """Tokenise several texts in one Kiwi batch (faster at ingest)."""
    if not texts:
        return []
    results = kiwi().tokenize([t[:20000] if t else " " for t in texts])
    return [_tokens_of(tokens) for tokens in results]


def _tokens_of(tokens: Any) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        tag = tok.tag.split("-")[0]
        if tag in _TOKEN_TAGS:
            out.append(tok.form.lower())
    return out


@lru_cache(maxsize=1024)
def tokenize_query(query: str) -> tuple[str, ...]:
    """Return the search tokens of a query (cached: bots and tests repeat queries)."""
    return tuple(tokenize(query))
