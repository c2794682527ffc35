"""Candidate generation: which items one member's decision scores.

Sources: the community's newest items and its boosted items (whatever their age) for every member; items on
the member's topics (their top tags by share of engagement); items by authors the member follows or engages
with most. Excluded: items the member already engaged with, every item by an author the member blocked, and the
member's own items (training leaves them out too: nobody is ranked their own work).

A pool is built once for a batch of members (one feed, or one chunk of a slot run), with one content call for
the union of their topics and authors; each member then takes their own rows of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from content_service.schemas import ContentSummary
from distribution_service.domain.sources import Source
from distribution_service.ranking.features import MemberState

# A member's topics are their top tags by engagement share; affine authors likewise.
TOPIC_TAGS = 5
AFFINE_AUTHORS = 5
# Followed authors asked for per member (a member may follow more; the content call takes at most 1,000).
MAX_FOLLOWED = 200
# content_service's limits for one candidate-sources call.
MAX_TAGS = 200
MAX_AUTHORS = 1000
MAX_PER_SOURCE = 1000
# Items per source for one member's feed; a batch asks for content's maximum.
FEED_PER_SOURCE = 500
# Each asked tag and author gets an equal share of its source, within these bounds.
MIN_PER_KEY = 5
MAX_PER_KEY = 100


@dataclass(frozen=True)
class Interests:
    """What one member's personal sources ask for, and whom they blocked."""

    tags: frozenset[str] = frozenset()
    followed: frozenset[str] = frozenset()
    affine: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()

    @property
    def authors(self) -> frozenset[str]:
        return self.followed | self.affine


def _top(shares: Mapping[str, float], k: int, *, leave_out: Iterable[str] = ()) -> frozenset[str]:
    """The k keys with the largest positive shares (a share of 0 is engagement that weighs nothing, e.g. a
    downvote)."""
    skip = set(leave_out) | {""}
    ranked = sorted((key for key in shares if key not in skip and shares[key] > 0), key=lambda key: (-shares[key], key))
    return frozenset(ranked[:k])


def interests(member: MemberState, *, follows: Sequence[str] = (), blocks: Sequence[str] = ()) -> Interests:
    blocked = frozenset(blocks)
    return Interests(
        tags=_top(member.tag_affinity, TOPIC_TAGS),
        # At most MAX_FOLLOWED of them, the first in the order given (author_relations sorts them by id).
        followed=frozenset(a for a in follows[:MAX_FOLLOWED] if a not in blocked),
        affine=_top(member.author_affinity, AFFINE_AUTHORS, leave_out=[member.member_id, *blocked]),
        blocked=blocked,
    )


def batch_asks(members: Sequence[Interests]) -> tuple[list[str], list[str]]:
    """The tags and authors to ask content for, for a batch of members: the ones most members ask for first,
    within the call's limits."""
    tags = Counter(t for m in members for t in m.tags)
    authors = Counter(a for m in members for a in m.authors)
    by_demand = lambda counts: sorted(counts, key=lambda key: (-counts[key], key))  # noqa: E731
    return by_demand(tags)[:MAX_TAGS], by_demand(authors)[:MAX_AUTHORS]


def source_quotas(members: int, tags: int, authors: int) -> tuple[int, int]:
    """Items per source, and per asked tag or author, for one candidate-sources call: every key gets an equal
    share, so that in a slot run's batch a member's rarer topic or quieter author is not crowded out by the
    busiest keys of the other members."""
    per_source = FEED_PER_SOURCE if members <= 1 else MAX_PER_SOURCE
    per_key = per_source // max(tags, authors, 1)
    return per_source, min(MAX_PER_KEY, max(MIN_PER_KEY, per_key))


def _rows_by(keys: Iterable[tuple[str, int]]) -> dict[str, np.ndarray]:
    grouped: dict[str, list[int]] = {}
    for key, row in keys:
        grouped.setdefault(key, []).append(row)
    return {key: np.array(sorted(set(rows)), dtype=np.int64) for key, rows in grouped.items()}


@dataclass(frozen=True)
class SourceIndex:
    """Where each source's items are in the merged pool."""

    general: np.ndarray  # bool per row: offered to every member (newest or boosted)
    boosted: np.ndarray  # bool per row
    recent: np.ndarray  # bool per row
    by_topic: dict[str, np.ndarray]  # tag -> rows the topic source found for it
    by_author: dict[str, np.ndarray]  # author -> rows the author source found for them
    every_by_author: dict[str, np.ndarray]  # author -> all their rows (a block removes them all)
    row_of: dict[str, int]


def merge_sources(
    recent: Sequence[ContentSummary],
    boosted: Sequence[ContentSummary],
    by_tag: Sequence[ContentSummary],
    by_author: Sequence[ContentSummary],
    *,
    asked_tags: Iterable[str] = (),
) -> tuple[list[ContentSummary], SourceIndex]:
    """One pool of distinct items (newest first as found), and the index of which source found which."""
    merged: list[ContentSummary] = []
    row_of: dict[str, int] = {}
    for item in [*recent, *boosted, *by_tag, *by_author]:
        if item.id not in row_of:
            row_of[item.id] = len(merged)
            merged.append(item)
    n = len(merged)

    def flags(items: Sequence[ContentSummary]) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        mask[[row_of[i.id] for i in items]] = True
        return mask

    is_recent, is_boosted = flags(recent), flags(boosted)
    asked = set(asked_tags)
    return merged, SourceIndex(
        general=is_recent | is_boosted,
        boosted=is_boosted,
        recent=is_recent,
        by_topic=_rows_by((t, row_of[i.id]) for i in by_tag for t in i.tags if t in asked),
        by_author=_rows_by((i.author_id, row_of[i.id]) for i in by_author if i.author_id),
        every_by_author=_rows_by((i.author_id, row) for row, i in enumerate(merged) if i.author_id),
        row_of=row_of,
    )


def member_rows(index: SourceIndex, member: Interests, seen: Iterable[str], *, own: str = "") -> np.ndarray:
    """The pool rows this member's decision scores, in pool order; `own` is the member's id (their items go)."""
    mask = index.general.copy()
    for tag in member.tags:
        mask[index.by_topic.get(tag, [])] = True
    for author in member.authors:
        mask[index.by_author.get(author, [])] = True
    for author in (*member.blocked, own):
        mask[index.every_by_author.get(author, [])] = False
    for content_id in seen:
        row = index.row_of.get(content_id)
        if row is not None:
            mask[row] = False
    return np.flatnonzero(mask)


def sources_of(index: SourceIndex, row: int, item: ContentSummary, member: Interests) -> list[str]:
    """Why this item was a candidate for this member (the sources that offered it), in a fixed order."""
    found: list[str] = []
    if index.recent[row]:
        found.append(Source.RECENT.value)
    if index.boosted[row]:
        found.append(Source.BOOSTED.value)
    if member.tags.intersection(item.tags):
        found.append(Source.TOPIC.value)
    if item.author_id in member.followed:
        found.append(Source.FOLLOWED.value)
    if item.author_id in member.affine:
        found.append(Source.AFFINE.value)
    return found
