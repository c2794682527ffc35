"""A chunk's text cosines computed per group of members equal each member's own `pool_text_similarity`, and give
`member_matrix` the matrix `build_matrix` gives."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from distribution_service.ranking import chunk_text
from distribution_service.ranking.chunk_text import chunk_text_similarity
from distribution_service.ranking.features import (
    DecisionContext,
    MemberState,
    build_matrix,
    item_block,
    member_matrix,
    pool_text_similarity,
)
from distribution_service.ranking.text import item_text, text_matrix
from tests.unit.distribution_service.test_member_matrix import pool

WORDS = ["python", "rust", "go", "ml", "data", "web", "async", "types", "tests", "speed"]


def members(rng: np.random.Generator) -> list[MemberState]:
    """Members with histories of 0 to 12 rows, with and without counts (some zero: rows cut by the history's
    limit), and one without text."""
    out = [MemberState(member_id="no text"), MemberState(member_id="empty", text_history=text_matrix(["x"])[:0])]
    for k in range(30):
        size = int(rng.integers(1, 13))
        texts = [item_text(" ".join(rng.choice(WORDS, 3)), " ".join(rng.choice(WORDS, 5)), []) for _ in range(size)]
        history = text_matrix(texts)
        counts = None if k % 3 == 0 else rng.integers(0 if k % 3 == 2 else 1, 4, size)
        if counts is not None and not counts.any():
            counts[0] = 1
        out.append(MemberState(member_id=f"m{k}", text_history=history, text_counts=counts))
    return out


@pytest.mark.parametrize("group_rows", [1, 7, 2_000])
def test_chunk_cosines_equal_each_members_own(monkeypatch: pytest.MonkeyPatch, group_rows: int) -> None:
    monkeypatch.setattr(chunk_text, "GROUP_ROWS", group_rows)
    rng = np.random.default_rng(group_rows)
    block = item_block(pool(40, rng), DecisionContext("EVENING", "BEFORE_DECISION", 3, 19.5))
    chunk = members(rng)
    got = chunk_text_similarity(block, chunk)
    assert len(got) == len(chunk)
    for member, cosines in zip(chunk, got, strict=True):
        expected = pool_text_similarity(block, member)
        if expected is None:
            assert cosines is None
            continue
        assert cosines is not None
        np.testing.assert_allclose(cosines[0], expected[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(cosines[1], expected[1], rtol=1e-9, atol=1e-12)
    assert any(c is not None and c[0].any() for c in got)


def test_member_matrix_with_chunk_cosines_equals_build_matrix() -> None:
    rng = np.random.default_rng(3)
    columns = pool(50, rng)
    context = DecisionContext("EVENING", "BEFORE_DECISION", 3, 19.5, tag_shares={"python": 0.5})
    block = item_block(columns, context)
    chunk = members(rng)
    rows = np.array([3, 0, 17, 49, 8])
    for member, cosines in zip(chunk, chunk_text_similarity(block, chunk), strict=True):
        expected = build_matrix(member, columns.take(rows), context)
        np.testing.assert_allclose(member_matrix(block, member, rows, cosines), expected, rtol=1e-6, atol=1e-6)


def test_no_pool_text_gives_none() -> None:
    rng = np.random.default_rng(1)
    columns = dataclasses.replace(pool(10, rng), text_rows=None)
    block = item_block(columns, DecisionContext("EVENING", "BEFORE_DECISION", 3, 19.5))
    assert chunk_text_similarity(block, members(rng)) == [None] * 32
