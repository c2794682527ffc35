from __future__ import annotations

from distribution_service.domain.diversity import diversify


def test_third_item_of_one_author_is_held_back_while_others_remain() -> None:
    authors = ["a", "a", "a", "b", "c"]
    assert diversify([0, 1, 2, 3, 4], authors, top=4) == [0, 1, 3, 4, 2]


def test_held_back_items_backfill_when_no_other_author_remains() -> None:
    authors = ["a", "a", "a", "a"]
    assert diversify([0, 1, 2, 3], authors, top=3) == [0, 1, 2, 3]


def test_items_without_author_are_never_held_back() -> None:
    authors: list[str | None] = [None, None, None, "a"]
    assert diversify([0, 1, 2, 3], authors, top=3) == [0, 1, 2, 3]


def test_default_top_ten_allows_two_per_author() -> None:
    authors = ["a"] * 5 + [str(i) for i in range(10)]
    head = diversify(list(range(15)), authors)[:10]
    assert [authors[i] for i in head].count("a") == 2


def test_a_prefix_that_fills_the_head_decides_the_diversified_order() -> None:
    import random

    from distribution_service.domain.diversity import diversify_prefix

    rng = random.Random(4)
    for _ in range(200):
        n = rng.randint(1, 40)
        authors: list[str | None] = [rng.choice(["a", "b", "c", None]) for _ in range(n)]
        order = rng.sample(range(n), n)
        full = diversify(order, authors)
        for size in range(1, n + 1):
            got = diversify_prefix(order[:size], authors, n)
            assert got is None or got == full[:size]
        assert diversify_prefix(order, authors, n) == full
