"""Which writes a tier run needs: set-based sweeps where a whole tier moves, single updates for the rest. Pure.

On SecantusDB a single-document update costs about a millisecond, a set-based `update_many` over an index a
fraction of that per document. The first run over an imported community moves almost every member out of NEW,
so "every NEW member moves; most go to POTENTIAL" becomes one sweep plus updates for the exceptions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId

from users_service.domain.layers import Layer
from users_service.domain.tiering import TierState
from users_service.domain.tiers import Tier

SWEEP_MIN_MEMBERS = 500


@dataclass(frozen=True)
class Sweep:
    """Every member read in `from_tier` who joined before `joined_before` (None: any) moves to `to_tier`.

    Members of the sweep who go elsewhere are exceptions, written one by one afterwards.
    """

    from_tier: Tier
    to_tier: Tier
    joined_before: datetime | None = None


@dataclass(frozen=True)
class MemberUpdate:
    member_id: ObjectId
    fields: dict[str, Any]


@dataclass(frozen=True)
class Before:
    id: ObjectId
    tier: Tier
    layer: Layer
    joined_at: datetime


def plan(
    before: Sequence[Before], after: Sequence[TierState], layers: Sequence[Layer], now: datetime
) -> tuple[list[Sweep], list[MemberUpdate]]:
    by_tier: dict[Tier, list[int]] = defaultdict(list)
    for i, member in enumerate(before):
        by_tier[member.tier].append(i)
    sweeps: list[Sweep] = []
    swept_to: dict[int, Tier] = {}
    for tier, indexes in by_tier.items():
        # A sweep must not touch anyone who stays in the tier: bound it by the earliest join among those who stay
        # (those who stay in NEW are the recent joiners, so a sweep of NEW still covers nearly everyone).
        stayers = [before[i].joined_at for i in indexes if after[i].tier == tier]
        bound = min(stayers) if stayers else None
        covered = [i for i in indexes if bound is None or before[i].joined_at < bound]
        if len(covered) < SWEEP_MIN_MEMBERS:
            continue
        target = Counter(after[i].tier for i in covered).most_common(1)[0][0]
        sweeps.append(Sweep(tier, target, bound))
        swept_to.update(dict.fromkeys(covered, target))
    updates: list[MemberUpdate] = []
    for i, member in enumerate(before):
        fields: dict[str, Any] = {}
        if after[i].tier != member.tier and swept_to.get(i) != after[i].tier:
            fields.update(tier=after[i].tier.value, tier_since=after[i].since)
        if layers[i] != member.layer:
            fields["rfm_layer"] = layers[i].value
        if fields:
            updates.append(MemberUpdate(member.id, fields))
    return sweeps, updates
