"""Items' text as vectors for the text-similarity features: stateless (feature hashing), so that training, the
judged path and a live feed turn the same text into the same row without shipping a fitted vocabulary, and the
active, shadow and experiment models all score one feature matrix."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from distribution_service.ranking.lazy_imports import RANKING_IMPORTS

# 2^18 hashed columns: collisions between a community's words are rare at this width.
N_FEATURES = 2**18
_MARKUP = re.compile(r"<[^>]+>|&[a-z]+;")


def item_text(title: str, body: str, tags: tuple[str, ...] | list[str]) -> str:
    """One item's text: title and tags (twice: they are what a reader scans) and body, markup removed."""
    head = f"{title} {' '.join(tags)}"
    return f"{head} {head} {_MARKUP.sub(' ', body)}"


def text_matrix(texts: Sequence[str]) -> Any:
    """Each text's row (scipy CSR, float32): hashed word counts, English stop words left out, sublinear
    (1 + log count), L2-normalised, so a row's dot product with another is their cosine."""
    with RANKING_IMPORTS:
        from sklearn.feature_extraction.text import HashingVectorizer
        from sklearn.preprocessing import normalize

    vectoriser = HashingVectorizer(
        n_features=N_FEATURES, alternate_sign=False, norm=None, stop_words="english", dtype=np.float32
    )
    rows = vectoriser.transform(list(texts)).tocsr()
    rows.data = 1.0 + np.log(rows.data)
    return normalize(rows).tocsr()
