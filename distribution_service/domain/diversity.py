"""Diversity in the head of a ranking: no author fills the top while other candidates remain."""

from __future__ import annotations

from collections.abc import Sequence

TOP = 10
PER_AUTHOR = 2


def _walk(
    order: Sequence[int], authors: Sequence[str | None], top: int, per_author: int
) -> tuple[list[int], list[int]]:
    """The head (at most `per_author` per author, up to `top` items) and the items held back on the way."""
    head: list[int] = []
    held: list[int] = []
    counts: dict[str, int] = {}
    for i in order:
        author = authors[i]
        if author is not None and counts.get(author, 0) >= per_author:
            held.append(i)
            continue
        if author is not None:
            counts[author] = counts.get(author, 0) + 1
        head.append(i)
        if len(head) == top:
            break
    return head, held


def diversify(
    order: Sequence[int], authors: Sequence[str | None], *, top: int = TOP, per_author: int = PER_AUTHOR
) -> list[int]:
    """`order` re-arranged so that at most `per_author` items of one author are in the first `top`; when too few
    other authors remain, the held-back items backfill the top in their original order. Items without an author
    are never held back."""
    head, held = _walk(order, authors, top, per_author)
    head += held[: max(0, top - len(head))]
    chosen = set(head)
    return head + [i for i in order if i not in chosen]


def diversify_prefix(
    prefix: Sequence[int],
    authors: Sequence[str | None],
    total: int,
    *,
    top: int = TOP,
    per_author: int = PER_AUTHOR,
) -> list[int] | None:
    """`diversify(order)[: len(prefix)]` from the first entries of an order of `total` items, or None when they do
    not decide it (the head was not filled before they ran out): a ranking's head costs its prefix, not its
    whole candidate list."""
    if len(prefix) < total and len(_walk(prefix, authors, top, per_author)[0]) < top:
        return None
    return diversify(prefix, authors, top=top, per_author=per_author)
