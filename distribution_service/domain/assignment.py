"""Deterministic assignment of members to experiments: 10,000 buckets per (member, salt), layers that keep the
experiments in them mutually exclusive, arms laid out so a ramp never moves a member between treatments, a
rollout share that only ever adds members, and the targeting rule.

Three independent hashes decide a member's place: the layer's (which experiment of the layer may hold them),
the experiment's rollout hash (inside the gray release or not) and the experiment's arm hash (which arm). Each
is a prefix of SHA-256, so the three are independent and the same on every process and replica.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

BUCKETS = 10_000
# A member who joined this recently is NEW to targeting; everyone else is EXISTING.
NEW_MEMBER_DAYS = 30


def bucket_of(member_id: str, salt: str) -> int:
    """The member's bucket in [0, BUCKETS) for `salt`: stable across requests, processes and releases."""
    digest = hashlib.sha256(f"{salt}:{member_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def arm_ranges(weights: Sequence[float]) -> tuple[tuple[int, int], ...]:
    """Bucket ranges [start, end) per arm; arm 0 (control) holds whatever the others leave.

    Treatment arm i (1..k) owns a fixed region starting at (i-1)·BUCKETS/k and fills `weight_i`·BUCKETS of it;
    ramping a treatment up only takes members from control, and ramping it down only gives them back, so no
    member ever moves from one treatment to another (sticky). A treatment's weight may not pass 1/k.
    """
    return _ranges(tuple(weights))


@lru_cache(maxsize=1024)
def _ranges(weights: tuple[float, ...]) -> tuple[tuple[int, int], ...]:
    k = len(weights) - 1
    if k < 1:
        return ((0, BUCKETS),)
    region = BUCKETS // k
    ranges = [(0, 0)]
    for i, weight in enumerate(weights[1:]):
        start = i * region
        ranges.append((start, start + round(weight * BUCKETS)))
    return tuple(ranges)


def check_weights(weights: Sequence[float]) -> str | None:
    """Why these arm weights cannot be laid out (None when they can): they sum to 1, each treatment ≤ 1/k."""
    if len(weights) < 2:
        return "an experiment needs at least two arms"
    if any(w < 0 for w in weights) or abs(sum(weights) - 1.0) > 1e-6:
        return "arm weights must be non-negative and sum to 1"
    k = len(weights) - 1
    if any(round(w * BUCKETS) > BUCKETS // k for w in weights[1:]):
        return f"with {k} treatment arms each may hold at most {1 / k:.4g} of the traffic (the first arm is control)"
    return None


def arm_index(bucket: int, weights: Sequence[float]) -> int:
    """The arm a bucket falls in: the treatment whose range holds it, else control (0)."""
    ranges = _ranges(tuple(weights))
    for i in range(1, len(ranges)):
        start, end = ranges[i]
        if start <= bucket < end:
            return i
    return 0


def in_rollout(member_id: str, salt: str, share: float) -> bool:
    """Inside the gray release: a separate hash, so raising the share only adds members (sticky)."""
    return bucket_of(member_id, f"{salt}:rollout") < round(share * BUCKETS)


def assign(member_id: str, salt: str, weights: Sequence[float]) -> int:
    """The arm index of a member in one experiment (rollout and layer decided apart)."""
    return arm_index(bucket_of(member_id, salt), weights)


def free_layer_range(taken: Sequence[tuple[int, int]], share: float) -> tuple[int, int] | None:
    """The first free run of `share`·BUCKETS layer buckets left by the ranges `taken`; None when none is wide
    enough. Experiments of one layer hold disjoint ranges: a member's layer bucket picks at most one of them."""
    width = round(share * BUCKETS)
    if width <= 0:
        return None
    cursor = 0
    for start, end in sorted(taken):
        if start - cursor >= width:
            return (cursor, cursor + width)
        cursor = max(cursor, end)
    return (cursor, cursor + width) if BUCKETS - cursor >= width else None


def in_layer_range(member_id: str, layer: str, bounds: tuple[int, int]) -> bool:
    start, end = bounds
    return start <= bucket_of(member_id, f"layer:{layer}") < end


@dataclass(frozen=True)
class Targeting:
    """Who may enter: empty lists mean everyone; audience is ALL, NEW or EXISTING (joined in NEW_MEMBER_DAYS)."""

    tiers: tuple[str, ...] = ()
    rfm_layers: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    audience: str = "ALL"


@dataclass(frozen=True)
class MemberFacts:
    tier: str | None
    rfm_layer: str | None
    joined_at: datetime | None


def targets(rule: Targeting, member: MemberFacts | None, channel: str, now: datetime) -> bool:
    """Whether a member, met on `channel`, is in the experiment's audience. Unknown facts fail a rule that
    needs them (a member the users service cannot describe is never targeted by tier, layer or age)."""
    if rule.channels and channel not in rule.channels:
        return False
    if not (rule.tiers or rule.rfm_layers or rule.audience != "ALL"):
        return True
    if member is None:
        return False
    if rule.tiers and member.tier not in rule.tiers:
        return False
    if rule.rfm_layers and member.rfm_layer not in rule.rfm_layers:
        return False
    if rule.audience != "ALL":
        if member.joined_at is None:
            return False
        new = now - member.joined_at <= timedelta(days=NEW_MEMBER_DAYS)
        return new if rule.audience == "NEW" else not new
    return True


def scheduled_share(schedule: Sequence[Mapping[str, object]], now: datetime, current: float) -> float:
    """The rollout share the schedule names for `now`: its latest step at or before now, else `current`."""
    due = [step for step in schedule if step["at"] <= now]  # type: ignore[operator]
    if not due:
        return current
    last = max(due, key=lambda step: step["at"])  # type: ignore[arg-type, return-value]
    return float(last["share"])  # type: ignore[arg-type]
