"""The pool's prepared block gives each member the matrix `build_matrix` gives (serving ranks with the block), and
the member's side of it is what the plain definitions give."""

from __future__ import annotations

import numpy as np
import pytest

from distribution_service.ranking.features import (
    CandidateColumns,
    DecisionContext,
    MemberState,
    _history_products,
    build_matrix,
    item_block,
    member_matrix,
    shares,
)
from distribution_service.ranking.member_features import DAY, Engagements, member_state_at
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


@pytest.mark.parametrize("history_size", [1, 2, 9])
def test_history_products_equal_scipys_product_bit_for_bit(history_size: int) -> None:
    rng = np.random.default_rng(history_size)
    block = item_block(pool(40, rng), DecisionContext("MORNING", "BEFORE_DECISION", 1, 8.0))
    history = text_matrix([item_text(f"title {i}", f"body {i % 3} words", ["ml"]) for i in range(history_size)])
    seen = history.data.astype(np.float64)
    expected = (history.astype(np.float64) @ block.text_words).toarray()
    got = _history_products(history, seen, block.text_words)
    assert got.shape == (history_size, 40)
    assert np.count_nonzero(got) > 0
    assert np.array_equal(got, expected)


def test_member_state_affinities_are_the_shares_of_each_key() -> None:
    engaged = Engagements(
        times=np.array([10.0, 20.0, 30.0]) * DAY,
        weights=np.array([1.0, 2.0, 0.5]),
        strongest=np.array([False, True, False]),
        created=np.array([9.0, 19.0, 28.0]) * DAY,
        tags=[("ml", "go"), (), ("ml",)],
        author_ids=["a1", "a2", "a1"],
        kinds=["UGC", "PGC", "UGC"],
    )
    state = member_state_at("m", 31 * DAY, engaged)
    assert state.tag_affinity == shares(["ml", "go", "ml"], [1.0, 1.0, 0.5])
    assert state.tag_affinity == {"go": 0.4, "ml": 0.6}
    assert state.author_affinity == shares(["a1", "a2", "a1"], [1.0, 2.0, 0.5])
    assert state.kind_affinity == {"PGC": round(2.0 / 3.5, 6), "UGC": round(1.5 / 3.5, 6)}
    assert all(type(v) is float for v in state.author_affinity.values())


@pytest.mark.parametrize("counts", [[3, 1, 2], [1, 0, 4], [0, 0, 1]])
def test_a_history_with_each_item_once_and_counted_gives_the_repeated_histories_matrix(counts: list[int]) -> None:
    rng = np.random.default_rng(11)
    columns = pool(60, rng)
    context = DecisionContext("EVENING", "BEFORE_DECISION", 3, 19.5, tag_shares={"ml": 0.5})
    block = item_block(columns, context)
    items = text_matrix(
        [item_text("title 3", "body words 1", ["ml"]), item_text("other", "rust go", ["rust"]), item_text("x", "y", [])]
    )
    # given: the same engagements as one row per engagement (training's) and as each item once with its count
    # (serving's; a count of 0: an item sliced out of the history by `Engagements.last`)
    repeated = items[np.repeat(np.arange(3), counts)]
    once = MemberState(member_id="m", text_history=items, text_counts=np.array(counts))
    per_engagement = MemberState(member_id="m", text_history=repeated)
    rows = np.arange(60)
    # when
    expected = build_matrix(per_engagement, columns, context)
    # then: served from the block, and by the definition, to float rounding
    np.testing.assert_allclose(member_matrix(block, once, rows), expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(build_matrix(once, columns, context), expected, rtol=1e-9, atol=1e-12)


def test_the_last_engagements_of_a_history_with_each_item_once_count_only_theirs() -> None:
    items = text_matrix([item_text("a", "b", ["ml"]), item_text("c", "d", ["go"])])
    engaged = Engagements(
        times=np.arange(5, dtype=float),
        weights=np.ones(5),
        strongest=np.zeros(5, dtype=bool),
        created=np.zeros(5),
        tags=[("ml",), ("go",), ("ml",), ("ml",), ("ml",)],
        author_ids=["x"] * 5,
        kinds=["UGC"] * 5,
        text=items,
        text_of=np.array([0, 1, 0, 0, 0]),
    )
    # when
    last = engaged.last(3)
    # then: the item only engaged with before the last three is counted 0 (out of the history)
    assert engaged.text_counts().tolist() == [4, 1]  # type: ignore[union-attr]
    assert last.text_counts().tolist() == [3, 0]  # type: ignore[union-attr]
    assert member_state_at("m", 10.0, last).text_counts.tolist() == [3, 0]
