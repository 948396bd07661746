"""BM25 index over the Kiwi tokens stored at ingest; built once per process by the caller, queried many times.

Titles weigh more when the caller repeats their tokens (e.g. title ×3). Query terms under 2 characters are ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

import bm25s
import numpy as np
import numpy.typing as npt

MIN_TERM_LEN = 2  # shorter query terms (Kiwi's 있, 곳, 후) only add noise: they are ignored
MAX_TERM_LEN = 8  # longest substring `terms_in` looks up; Korean content morphemes are short
MIN_DOCS_FOR_COMMON = 10  # below this, "in most documents" says nothing about a term


class SearchIndex:
    """A BM25 (Lucene variant) index of program ids over their stored tokens."""

    def __init__(
        self, ids: Sequence[str], vocab: dict[str, int], bm25: bm25s.BM25 | None, common: frozenset[str] = frozenset()
    ) -> None:
        self._ids = list(ids)
        self._vocab = vocab
        self._bm25 = bm25
        self.common_terms = common  # in more than half the documents: no signal for a description
        self._terms = frozenset(term for term in vocab if len(term) >= MIN_TERM_LEN)
        self._max_len = min(MAX_TERM_LEN, max((len(t) for t in self._terms), default=0))

    @classmethod
    def build(cls, docs: Sequence[tuple[str, Sequence[str]]]) -> SearchIndex:
        """Return the index of (program_id, tokens) documents; tokens are used as given (already lower-cased)."""
        vocab: dict[str, int] = {}
        corpus: list[list[int]] = []
        df: Counter[str] = Counter()
        for _, tokens in docs:
            corpus.append([vocab.setdefault(token, len(vocab)) for token in tokens if token])
            df.update({token for token in tokens if token})
        if not vocab:
            return cls([doc_id for doc_id, _ in docs], vocab, None)
        bm25 = bm25s.BM25()
        bm25.index((corpus, vocab), create_empty_token=False, show_progress=False)
        common = (
            frozenset(t for t, n in df.items() if n * 2 > len(docs))
            if len(docs) >= MIN_DOCS_FOR_COMMON
            else frozenset()
        )
        return cls([doc_id for doc_id, _ in docs], vocab, bm25, common)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def vocabulary(self) -> frozenset[str]:
        """Return every indexed term."""
        return frozenset(self._vocab)

    def _scores(self, query_tokens: Sequence[str]) -> npt.NDArray[np.float32] | None:
        if self._bm25 is None:
            return None
        token_ids = [self._vocab[t] for t in query_tokens if len(t) >= MIN_TERM_LEN and t in self._vocab]
        if not token_ids:
            return None
        scores: npt.NDArray[np.float32] = self._bm25.get_scores_from_ids(token_ids)
        return scores

    def score_all(self, query_tokens: Sequence[str]) -> dict[str, float]:
        """Return the BM25 score of every document matching at least one query term, by program id."""
        scores = self._scores(query_tokens)
        if scores is None:
            return {}
        out: dict[str, float] = {}
        for i in np.flatnonzero(scores > 0).tolist():
            doc_id = self._ids[i]
            score = float(scores[i])
            if score > out.get(doc_id, 0.0):
                out[doc_id] = score
        return out

    def search(
        self, query_tokens: Sequence[str], *, top_k: int = 10, allowed: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Return up to `top_k` (program_id, score) best first, only matching documents, within `allowed` if given."""
        if top_k <= 0:
            return []
        ranked = sorted(self.score_all(query_tokens).items(), key=lambda item: (-item[1], item[0]))
        if allowed is not None:
            allowed_set = allowed if isinstance(allowed, (set, frozenset)) else set(allowed)
            ranked = [item for item in ranked if item[0] in allowed_set]
        return ranked[:top_k]

    def terms_in(self, text: str) -> list[str]:
        """Return the index terms (2+ characters) occurring as substrings of `text`, each once, in order."""
        if not text or not self._terms:
            return []
        text = text.lower()
        terms, seen = self._terms, set()
        found: list[str] = []
        n, longest = len(text), self._max_len
        for i in range(n - 1):
            for j in range(i + MIN_TERM_LEN, min(i + longest, n) + 1):
                piece = text[i:j]
                if piece in terms and piece not in seen:
                    seen.add(piece)
                    found.append(piece)
        return found
