"""Assisted creation: tag suggestion and near-duplicate detection by TF-IDF nearest neighbours (scikit-learn)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NEIGHBOURS = 25


@dataclass(frozen=True)
class Neighbour:
    index: int
    similarity: float


class TfidfIndex:
    """Fitted on a corpus of (text, tags); answers nearest neighbours, tag suggestions and near-duplicates."""

    def __init__(self, texts: Sequence[str], tags: Sequence[Sequence[str]]) -> None:
        # scikit-learn is imported when an index is first built, not when content_service starts: it takes seconds.
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.tags = [list(t) for t in tags]
        # max_df drops terms in over 90% of pieces; on a tiny corpus (under 10 pieces) that would drop every term.
        self.vectorizer = TfidfVectorizer(
            sublinear_tf=True,
            stop_words="english",
            min_df=1,
            max_df=0.9 if len(texts) >= 10 else 1.0,
            ngram_range=(1, 2),
        )
        try:
            self.matrix = self.vectorizer.fit_transform(texts) if texts else None
        except ValueError:  # an empty vocabulary (only stop words): nothing to compare against
            self.matrix = None

    def neighbours(self, text: str, k: int = NEIGHBOURS) -> list[Neighbour]:
        if self.matrix is None:
            return []
        from sklearn.metrics.pairwise import linear_kernel

        sims = linear_kernel(self.vectorizer.transform([text]), self.matrix).ravel()
        top = np.argsort(-sims)[:k]
        return [Neighbour(int(i), float(sims[i])) for i in top if sims[i] > 0]

    def suggest_tags(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """Tags of similar items, each weighted by the similarity of the items that carry it."""
        scores: dict[str, float] = defaultdict(float)
        for n in self.neighbours(text):
            for tag in self.tags[n.index]:
                scores[tag] += n.similarity
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [(tag, round(score, 4)) for tag, score in ranked]

    def near_duplicates(self, text: str, threshold: float) -> list[Neighbour]:
        return [n for n in self.neighbours(text, k=10) if n.similarity >= threshold]


def precision_at_k(suggested: Sequence[str], actual: Sequence[str], k: int = 3) -> float:
    """Share of the k suggestions that are real tags (fewer than k suggestions still divide by k)."""
    hits = len(set(suggested[:k]) & set(actual))
    return hits / k
