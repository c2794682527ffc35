"""The shape of a generated community, from the playbook's figures, and its deterministic sampling (no I/O).

Every figure is a default of `Shape` that a caller can change; the playbook's figure is named beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

DAY = 86_400.0

# Nine tiers: the playbook names potential users (38%) and active contributors (22%); the other shares are ours.
TIER_SHARES: dict[str, float] = {
    "POTENTIAL": 0.38,
    "NEW": 0.10,
    "CASUAL": 0.11,
    "ACTIVE": 0.10,
    "ACTIVE_CONTRIBUTOR": 0.22,
    "KOC": 0.05,
    "EXPERT": 0.015,
    "CORE": 0.015,
    "AMBASSADOR": 0.01,
}
# How much a member of each tier does, before the heavy-tailed per-member factor.
TIER_ACTIVITY: dict[str, float] = {
    "POTENTIAL": 0.05,
    "NEW": 0.5,
    "CASUAL": 0.6,
    "ACTIVE": 1.5,
    "ACTIVE_CONTRIBUTOR": 2.5,
    "KOC": 4.0,
    "EXPERT": 3.0,
    "CORE": 5.0,
    "AMBASSADOR": 4.0,
}
# Playbook, growth stage: professional 60%, UGC 35%, commercial 5%.
CONTENT_MIX: dict[str, float] = {"PGC": 0.60, "UGC": 0.35, "COMMERCIAL": 0.05}
# Opens are 27.6% of impressions (the playbook's open rate after honeycomb distribution) and shares 19.8% of opens.
EVENT_MIX: dict[str, float] = {
    "IMPRESSION": 0.50,
    "OPEN": 0.138,
    "CLICK": 0.07,
    "DWELL": 0.10,
    "SHARE": 0.0273,
    "VOTE": 0.06,
    "BULLET_COMMENT": 0.03,
    "COMMENT": 0.03,
    "FAVORITE": 0.0247,
    "ANSWER": 0.01,
    "DOWNVOTE": 0.01,
}
# Monday first; weekends quieter.
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 0.98, 0.92, 0.72, 0.68)
# Hour-of-day peaks (mean hour, spread in hours, share): morning, noon and evening; the rest spread evenly.
PEAKS = ((8.0, 1.0, 0.28), (12.5, 0.75, 0.22), (20.5, 1.5, 0.32))
SLOT_HOURS = {"MORNING": (6.0, 10.0), "NOON": (11.5, 14.0), "EVENING": (18.0, 23.0)}
SCENES = ("BEFORE_DECISION", "DURING_DECISION", "AFTER_DECISION")
TAGS = (
    "finance basics investing growth notes decisions offer career tax savings index-funds budgeting retirement "
    "real-estate insurance credit startups reading habits health parenting education coding design marketing "
    "sales leadership writing language travel cooking fitness mindfulness productivity history science art music "
    "photography gardening"
).split()


@dataclass(frozen=True)
class Shape:
    tier_shares: dict[str, float] = field(default_factory=lambda: dict(TIER_SHARES))
    tier_activity: dict[str, float] = field(default_factory=lambda: dict(TIER_ACTIVITY))
    content_mix: dict[str, float] = field(default_factory=lambda: dict(CONTENT_MIX))
    event_mix: dict[str, float] = field(default_factory=lambda: dict(EVENT_MIX))
    # Heavy tail: each member's activity is multiplied by a log-normal factor with this sigma.
    activity_sigma: float = 1.3
    # Launch stage: seed users join in the first week (playbook: 5,000+ seed users).
    seed_share: float = 0.05
    # Operators: the playbook's operations middle office is 20 staff; fewer in a small community.
    operators: int = 20
    members_per_operator: int = 100
    content_per_member: float = 0.1
    events_per_member: float = 10.0
    # Share of events about the newest content (the rest reach back into the archive).
    fresh_share: float = 0.7
    fresh_mean_items: float = 30.0
    scene_share: float = 0.6


@dataclass(frozen=True)
class Members:
    tiers: NDArray[np.str_]
    joined: NDArray[np.float64]  # seconds since the start
    activity: NDArray[np.float64]
    experts: NDArray[np.int64]
    operators: NDArray[np.int64]


@dataclass(frozen=True)
class Content:
    kinds: NDArray[np.str_]
    authors: NDArray[np.int64]
    published: NDArray[np.float64]  # seconds since the start, ascending
    tags: list[list[str]]


@dataclass(frozen=True)
class Events:
    members: NDArray[np.int64]
    content: NDArray[np.int64]
    types: NDArray[np.str_]
    at: NDArray[np.float64]
    slots: list[str | None]
    scenes: list[str | None]
    dwell_ms: NDArray[np.int64]


def _weights(mapping: dict[str, float]) -> tuple[list[str], NDArray[np.float64]]:
    names = list(mapping)
    values = np.array([mapping[n] for n in names], dtype=float)
    return names, values / values.sum()


def hours_of_day(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    """Hours in [0, 24) with the morning, noon and evening peaks over an even background."""
    shares = np.array([p[2] for p in PEAKS] + [1.0 - sum(p[2] for p in PEAKS)])
    which = rng.choice(len(shares), size=n, p=shares / shares.sum())
    hours = rng.uniform(0.0, 24.0, size=n)
    for index, (mean, spread, _) in enumerate(PEAKS):
        mask = which == index
        hours[mask] = rng.normal(mean, spread, size=int(mask.sum()))
    result: NDArray[np.float64] = np.mod(hours, 24.0)
    return result


def _days_with_rhythm(rng: np.random.Generator, low: NDArray[np.float64], days: int, start_weekday: int) -> NDArray:
    """A whole day in [low, days) for each entry, weekdays more likely than weekends (rejection sampling)."""
    weights = np.array(WEEKDAY_WEIGHTS)
    low_day = np.floor(low / DAY)
    result = np.full(len(low), -1.0)
    pending = np.arange(len(low))
    for _ in range(20):
        if not len(pending):
            break
        span = np.maximum(days - low_day[pending], 1.0)
        day = np.minimum(low_day[pending] + np.floor(rng.random(len(pending)) * span), days - 1)
        keep = rng.random(len(pending)) < weights[((day + start_weekday) % 7).astype(int)]
        result[pending[keep]] = day[keep]
        pending = pending[~keep]
    result[pending] = low_day[pending]
    return result


def sample_members(rng: np.random.Generator, shape: Shape, n: int, days: int) -> Members:
    names, shares = _weights(shape.tier_shares)
    tiers = np.array(names)[rng.choice(len(names), size=n, p=shares)]
    seeds = rng.random(n) < shape.seed_share
    # After the seed users, arrivals grow over time (more members join later than earlier).
    joined = np.where(seeds, rng.uniform(0, min(7, days), n), days * np.sqrt(rng.random(n))) * DAY
    base = np.array([shape.tier_activity[t] for t in tiers])
    activity = base * rng.lognormal(0.0, shape.activity_sigma, n)
    experts = np.flatnonzero(tiers == "EXPERT")
    if not len(experts):
        experts = np.array([int(np.argmax(activity))])
    operator_count = max(1, min(shape.operators, n // shape.members_per_operator))
    candidates = np.flatnonzero(np.isin(tiers, ("CORE", "AMBASSADOR", "KOC")))
    pool = candidates if len(candidates) >= operator_count else np.arange(n)
    operators = np.sort(rng.choice(pool, size=operator_count, replace=False))
    # Experts and operators are there from the start: they produce the first content.
    joined[experts] = np.minimum(joined[experts], rng.uniform(0, min(7, days), len(experts)) * DAY)
    joined[operators] = 0.0
    return Members(tiers=tiers, joined=joined, activity=activity, experts=experts, operators=operators)


def sample_content(rng: np.random.Generator, shape: Shape, members: Members, n: int, days: int) -> Content:
    names, shares = _weights(shape.content_mix)
    kinds = np.array(names)[rng.choice(len(names), size=n, p=shares)]
    authors = np.zeros(n, dtype=np.int64)
    contributors = np.flatnonzero(members.tiers != "POTENTIAL")
    for kind, pool in (("PGC", members.experts), ("COMMERCIAL", members.operators), ("UGC", contributors)):
        mask = kinds == kind
        weights = members.activity[pool] / members.activity[pool].sum()
        authors[mask] = pool[rng.choice(len(pool), size=int(mask.sum()), p=weights)]
    published = (members.joined[authors] + rng.random(n) * (days * DAY - members.joined[authors])).astype(float)
    order = np.argsort(published, kind="stable")
    tag_ranks = 1.0 / np.arange(1, len(TAGS) + 1)
    tag_p = tag_ranks / tag_ranks.sum()
    tags = [
        list(dict.fromkeys(np.array(TAGS)[rng.choice(len(TAGS), size=int(k), p=tag_p)])) for k in rng.integers(1, 4, n)
    ]
    return Content(
        kinds=kinds[order], authors=authors[order], published=published[order], tags=[tags[i] for i in order]
    )


def slot_of(hour: float) -> str | None:
    for slot, (low, high) in SLOT_HOURS.items():
        if low <= hour < high:
            return slot
    return None


def sample_events(
    rng: np.random.Generator, shape: Shape, members: Members, content: Content, n: int, days: int, start_weekday: int
) -> Events:
    """Who (by heavy-tailed activity), when (after joining; weekly and daily rhythm), on what (published before)."""
    who = rng.choice(len(members.activity), size=n, p=members.activity / members.activity.sum())
    low = np.maximum(members.joined[who], content.published[0])
    day = _days_with_rhythm(rng, low, days, start_weekday)
    hour = hours_of_day(rng, n)
    at = np.maximum(day * DAY + hour * 3600.0, low)
    published_before = np.searchsorted(content.published, at, side="right")
    fresh = rng.random(n) < shape.fresh_share
    offset = np.where(
        fresh,
        np.floor(rng.exponential(shape.fresh_mean_items, n)),
        np.floor(published_before * rng.random(n) ** 2),
    )
    what = np.clip(published_before - 1 - offset, 0, None).astype(np.int64)
    at = np.maximum(at, content.published[what])
    names, shares = _weights(shape.event_mix)
    types = np.array(names)[rng.choice(len(names), size=n, p=shares)]
    local_hour = (at % DAY) / 3600.0
    slots = [slot_of(h) for h in local_hour]
    scene_pick = rng.integers(0, len(SCENES), n)
    with_scene = rng.random(n) < shape.scene_share
    scenes = [SCENES[s] if w else None for s, w in zip(scene_pick, with_scene, strict=True)]
    dwell = np.where(types == "DWELL", rng.lognormal(np.log(15_000), 0.8, n), 0).astype(np.int64)
    order = np.argsort(at, kind="stable")
    return Events(
        members=who[order],
        content=what[order],
        types=types[order],
        at=at[order],
        slots=[slots[i] for i in order],
        scenes=[scenes[i] for i in order],
        dwell_ms=np.minimum(dwell[order], 86_400_000),
    )
