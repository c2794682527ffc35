"""Diversity in the head of a ranking: no author fills the top while other candidates remain."""

from __future__ import annotations

from collections.abc import Sequence

TOP = 10
PER_AUTHOR = 2


def diversify(
    order: Sequence[int], authors: Sequence[str | None], *, top: int = TOP, per_author: int = PER_AUTHOR
) -> list[int]:
    """`order` re-arranged so that at most `per_author` items of one author are in the first `top`; when too few
    other authors remain, the held-back items backfill the top in their original order. Items without an author
    are never held back."""
    head: list[int] = []
    held: list[int] = []
    counts: dict[str, int] = {}
    rest = iter(order)
    for i in rest:
        author = authors[i]
        if author is not None and counts.get(author, 0) >= per_author:
            held.append(i)
            continue
        if author is not None:
            counts[author] = counts.get(author, 0) + 1
        head.append(i)
        if len(head) == top:
            break
    backfill = held[: max(0, top - len(head))]
    head += backfill
    chosen = set(head)
    return head + [i for i in order if i not in chosen]
