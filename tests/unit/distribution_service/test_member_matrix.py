"""The pool's prepared block gives each member the matrix `build_matrix` gives (serving ranks with the block)."""

from __future__ import annotations

import numpy as np
import pytest

from distribution_service.ranking.features import (
    CandidateColumns,
    DecisionContext,
    MemberState,
    build_matrix,
    item_block,
    member_matrix,
)
from distribution_service.ranking.text import item_text, text_matrix

TAGS = ["python", "ml", "rust", "go", ""]


def pool(n: int, rng: np.random.Generator) -> CandidateColumns:
    tags = [tuple(rng.choice(TAGS[:4], size=int(rng.integers(0, 3)), replace=False)) for _ in range(n)]
    return CandidateColumns(
        content_ids=[f"c{i}" for i in range(n)],
        kinds=[["PGC", "UGC", "COMMERCIAL"][int(k)] for k in rng.integers(0, 3, n)],
        author_ids=[None if a == 0 else f"a{a}" for a in rng.integers(0, 6, n)],
        tags=tags,
        age_days=rng.uniform(0, 40, n),
        impressions=rng.integers(0, 50, n).astype(float),
        opens=rng.integers(0, 5, n).astype(float),
        engagement=rng.uniform(0, 9, n),
        engagement_7d=rng.uniform(0, 3, n),
        last_activity_days=rng.uniform(0, 9, n),
        author_tiers=[None] * n,
        exposure_boost=np.ones(n),
        answers=rng.integers(0, 3, n).astype(float),
        engagement_1d=rng.uniform(0, 1, n),
        text_rows=text_matrix([item_text(f"title {i % 7}", f"body {i % 5} {t}", list(t)) for i, t in enumerate(tags)]),
    )


@pytest.mark.parametrize("shares", [{"python": 0.4, "ml": 0.6, "go": 0.01}, {}])
def test_member_matrix_equals_build_matrix_on_the_taken_rows(shares: dict[str, float]) -> None:
    rng = np.random.default_rng(5)
    columns = pool(60, rng)
    context = DecisionContext("EVENING", "BEFORE_DECISION", 3, 19.5, tag_shares=shares)
    block = item_block(columns, context)
    history = text_matrix([item_text("title 3", "body words 1", ["ml"]), item_text("other", "rust go", ["rust"])])
    members = [
        MemberState(member_id="newcomer", text_history=history[:0]),
        MemberState(
            member_id="a2",
            tier="ACTIVE",
            tenure_days=12.0,
            recency_days=1.5,
            history_size=2.0,
            tag_affinity={"ml": 0.7, "rust": 0.3, "": 0.1},
            author_affinity={"a1": 0.5, "": 0.5, "a3": 0.25},
            kind_affinity={"UGC": 1.0},
            answer_share=0.5,
            text_history=history,
            typical_age_days=3.0,
        ),
    ]
    for member in members:
        for rows in (np.arange(60), np.array([5, 1, 40, 2]), np.array([], dtype=np.int64)):
            expected = build_matrix(member, columns.take(rows), context)
            got = member_matrix(block, member, rows)
            assert got.dtype == expected.dtype
            assert got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
