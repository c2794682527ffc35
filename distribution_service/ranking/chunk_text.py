"""A slot run's chunk of members' text cosines with the pool, computed per group of members instead of per member:
`features.pool_text_similarity` of each member (the same numbers, to float rounding), from one sparse product of
the group's stacked history rows with the pool's words and one of the members' counts with those rows (their
centroids), instead of a product, a dense result and a word count per member."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import _sparsetools

from distribution_service.ranking.features import ItemBlock, MemberState, _counted

# History rows per group: bounds the group's dense products (rows x pool items, float64) to ~4 MB at 500 items;
# groups of 2,000 rows ran slower than one member at a time on histories of 20-100 rows (memory), 1,000 did not.
GROUP_ROWS = 1_000

TextCosines = tuple[np.ndarray, np.ndarray]


def chunk_text_similarity(block: ItemBlock, members: Sequence[MemberState]) -> list[TextCosines | None]:
    """Each member's `pool_text_similarity(block, member)` (centroid, closest over every item of the block), in
    `members` order; None where either side has no text."""
    out: list[TextCosines | None] = [None] * len(members)
    words = block.text_words
    if words is None:
        return out
    n = words.shape[1]
    group: list[tuple[int, Any, np.ndarray]] = []
    rows = 0
    for k, member in enumerate(members):
        if member.text_history is None:
            continue
        history, counts = member.text_history, member.text_counts
        if counts is not None:
            history, counts = _counted(history, counts)
        h = history.shape[0]
        if h == 0:
            out[k] = (np.zeros(n), np.zeros(n))
            continue
        if group and rows + h > GROUP_ROWS:
            _group_cosines(words, group, out)
            group, rows = [], 0
        group.append((k, history, np.ones(h) if counts is None else np.asarray(counts, dtype=np.float64)))
        rows += h
    if group:
        _group_cosines(words, group, out)
    return out


def _group_cosines(words: Any, group: list[tuple[int, Any, np.ndarray]], out: list[TextCosines | None]) -> None:
    """The cosines of a group of members with non-empty histories (their index in `out`, rows and counts)."""
    index_type = words.indices.dtype
    sizes = np.array([history.shape[0] for _, history, _ in group])
    starts = np.zeros(len(group) + 1, dtype=index_type)
    np.cumsum(sizes, out=starts[1:])
    h, n, vocabulary = int(starts[-1]), words.shape[1], words.shape[0]
    # The group's history rows as one CSR (their arrays concatenated, each row's offsets moved along).
    offsets = np.zeros(len(group) + 1, dtype=index_type)
    np.cumsum([len(history.data) for _, history, _ in group], out=offsets[1:])
    indptr = np.concatenate(
        [
            history.indptr[:-1].astype(index_type) + offset
            for (_, history, _), offset in zip(group, offsets, strict=False)
        ]
        + [offsets[-1:]]
    )
    indices = np.concatenate([history.indices for _, history, _ in group]).astype(index_type, copy=False)
    data = np.concatenate([history.data for _, history, _ in group]).astype(np.float64)
    counts = np.concatenate([c for _, _, c in group])
    words_indptr = words.indptr.astype(index_type, copy=False)
    sims = _dense_product(h, n, indptr, indices, data, words_indptr, words.indices, words.data)
    closest = np.maximum.reduceat(sims, starts[:-1], axis=0)
    total = np.empty((len(group), n))
    for g in range(len(group)):
        total[g] = counts[starts[g] : starts[g + 1]] @ sims[starts[g] : starts[g + 1]]
    # Each member's profile (their rows summed, each counted as often as it was engaged with): the counts as a
    # members x rows matrix times the rows; its norm from its values.
    nnz = len(data)
    profile_indptr = np.empty(len(group) + 1, dtype=index_type)
    profile_indices = np.empty(nnz, dtype=index_type)
    profile_data = np.empty(nnz)
    _sparsetools.csr_matmat(
        len(group),
        vocabulary,
        starts,
        np.arange(h, dtype=index_type),
        counts,
        indptr,
        indices,
        data,
        profile_indptr,
        profile_indices,
        profile_data,
    )
    filled = int(profile_indptr[-1])
    owner = np.repeat(np.arange(len(group)), np.diff(profile_indptr))
    norms = np.sqrt(np.bincount(owner, weights=np.square(profile_data[:filled]), minlength=len(group)))
    for g, (k, _, _) in enumerate(group):
        norm = float(norms[g])
        out[k] = (total[g] / norm if norm > 0 else total[g], closest[g])


def _dense_product(
    h: int,
    n: int,
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    words_indptr: np.ndarray,
    words_indices: np.ndarray,
    words_data: np.ndarray,
) -> np.ndarray:
    """`(rows @ words).toarray()` on the CSR arrays with scipy's kernels (as `features._history_products`)."""
    out_indptr = np.empty(h + 1, dtype=indptr.dtype)
    out_indices = np.empty(h * n, dtype=indices.dtype)
    out_data = np.empty(h * n)
    _sparsetools.csr_matmat(
        h, n, indptr, indices, data, words_indptr, words_indices, words_data, out_indptr, out_indices, out_data
    )
    dense = np.zeros((h, n))
    _sparsetools.csr_todense(h, n, out_indptr, out_indices, out_data, dense)
    return dense
