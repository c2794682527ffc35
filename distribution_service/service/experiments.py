"""Reading experiments out of the decision log: the model experiment (gray release) report and the shadow
model's offline score.

The model experiment compares the arms per member-assigned decision: open and share rates of what each arm
showed, the treatment's uplift on the open rate with a bootstrap ci95, and a sample-ratio check of members per
arm against the designed traffic (a flagged split means the readout is not to be trusted). The shadow report
scores the rankings the shadow model logged beside the live ones against what each member then did (any
engagement with a ranked item within the horizon), NDCG@10 for both on the same decisions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
from bson import ObjectId

from distribution_service.domain.experiments import CONTROL, TREATMENT, sample_ratio_check, uplift
from distribution_service.domain.honeycomb import EventType
from distribution_service.domain.labels import grade
from distribution_service.ranking.metrics import bootstrap_ci95, ndcg_at_k, paired_ratio_ci95
from distribution_service.store import DistributionStore, Doc
from infra.errors import NotFoundError

OPENED = {EventType.OPEN.value, EventType.CLICK.value}
SHADOW_HORIZON_HOURS = 24.0
# Members could act only on what the live model showed: the shadow's unseen items can earn no label, so its
# figure is a lower bound, and a shadow that agrees with the live ranking scores the same.
SHADOW_CAVEAT = "labels come from items the live model showed; the shadow's figure is a lower bound"


def _rank_scores(items: list[str], ranking: list[str]) -> np.ndarray:
    """Scores that reproduce `ranking` over `items`; items it left out come after, in no order of merit."""
    place = {c: i for i, c in enumerate(ranking)}
    return np.array([-(place.get(c, len(ranking))) for c in items], dtype=float)


class ExperimentsService:
    def __init__(self, store: DistributionStore) -> None:
        self.store = store

    async def model_experiment_report(self, community_id: ObjectId) -> dict[str, Any]:
        """Per arm of the running model experiment: decisions, members, items shown, open and share rates (ci95
        over decisions); the treatment's open-rate uplift with ci95, and the sample-ratio check on members."""
        pointer = await self.store.models.get_model_pointer(community_id) or {}
        experiment = pointer.get("experiment")
        if not experiment:
            raise NotFoundError("no experiment is running in this community")
        since: datetime = experiment["started_at"]
        decisions = await self.store.decisions.list_experiment_decisions(community_id, experiment["version"], since)
        types = [EventType.OPEN.value, EventType.CLICK.value, EventType.SHARE.value]
        acted: dict[tuple[ObjectId, ObjectId], set[str]] = {}
        for e in await self.store.events.list_attributed_events(community_id, since, types):
            acted.setdefault((e["decision_id"], e["content_id"]), set()).add(e["type"])
        arms: dict[str, dict[str, Any]] = {}
        rates: dict[str, np.ndarray] = {}
        members: dict[str, int] = {}
        for name in (CONTROL, TREATMENT):
            mine = [d for d in decisions if d.get("experiment_arm") == name]
            per_decision = []
            shown = opened = shared = 0
            for d in mine:
                items = [s["content_id"] for s in d.get("shown", [])]
                hits = [acted.get((d["_id"], c), set()) for c in items]
                opens = sum(1 for h in hits if h & OPENED)
                shown += len(items)
                opened += opens
                shared += sum(1 for h in hits if EventType.SHARE.value in h)
                if items:
                    per_decision.append(opens / len(items))
            rates[name] = np.array(per_decision, dtype=float)
            members[name] = len({d.get("member_id") for d in mine})
            arms[name] = {
                "decisions": len(mine),
                "members": members[name],
                "shown": shown,
                "open_rate": round(opened / shown, 6) if shown else 0.0,
                "share_rate": round(shared / shown, 6) if shown else 0.0,
                "open_rate_ci95": list(bootstrap_ci95(rates[name])),
            }
        traffic = float(experiment["traffic"])
        return {
            "version": experiment["version"],
            "traffic": traffic,
            "since": since,
            "arms": arms,
            # Per decision: the treatment's mean open rate minus the control's.
            "uplift": {"metric": "open_rate"} | uplift(rates[CONTROL], rates[TREATMENT]),
            # Members, the unit the hash assigns: decisions of one member are not independent draws.
            "srm": sample_ratio_check(members, {CONTROL: 1.0 - traffic, TREATMENT: traffic}),
        }

    async def shadow_report(self, community_id: ObjectId, *, horizon: timedelta) -> dict[str, Any]:
        """The current shadow model's logged rankings and the live ones, NDCG@10 against what each member did
        with the ranked items within `horizon` of the decision (the strongest grade per item)."""
        pointer = await self.store.models.get_model_pointer(community_id) or {}
        version = pointer.get("shadow")
        if not version:
            raise NotFoundError("no shadow model in this community (shadow VERSION starts one)")
        decisions = await self.store.decisions.list_shadow_decisions(community_id, version)
        engaged = await self._engagement(community_id, decisions, horizon)
        live: list[float] = []
        shadow: list[float] = []
        for d in decisions:
            ranked = [str(s["content_id"]) for s in d.get("shown", [])]
            shadow_ranking = [str(c) for c in d.get("shadow_ranking") or []]
            items = list(dict.fromkeys(ranked + shadow_ranking))
            start, member = d.get("made_at") or d["at"], d.get("member_id")
            labels = np.array(
                [
                    max((g for at, g in engaged.get((member, c), []) if start < at <= start + horizon), default=0)
                    for c in items
                ],
                dtype=float,
            )
            if not (labels > 0).any():
                continue
            live.append(ndcg_at_k(labels, _rank_scores(items, ranked), 10))
            shadow.append(ndcg_at_k(labels, _rank_scores(items, shadow_ranking), 10))
        live_a, shadow_a = np.array(live), np.array(shadow)
        ratio, low, high = paired_ratio_ci95(shadow_a, live_a)
        return {
            "shadow": version,
            "horizon_hours": horizon.total_seconds() / 3600,
            "decisions": len(decisions),
            "judged": len(live),
            "metrics": {
                "live": {
                    "ndcg@10": round(float(live_a.mean()), 6) if live else 0.0,
                    "ci95": list(bootstrap_ci95(live_a)),
                },
                "shadow": {
                    "ndcg@10": round(float(shadow_a.mean()), 6) if shadow else 0.0,
                    "ci95": list(bootstrap_ci95(shadow_a)),
                },
            },
            "paired": {"ndcg@10_ratio": ratio, "ci95": [low, high]},
            "caveat": SHADOW_CAVEAT,
        }

    async def _engagement(
        self, community_id: ObjectId, decisions: list[Doc], horizon: timedelta
    ) -> dict[tuple[Any, str], list[tuple[datetime, int]]]:
        """(member, content) -> [(when, grade)] of positive engagement in the decisions' span plus the horizon."""
        if not decisions:
            return {}
        since = min(d.get("made_at") or d["at"] for d in decisions)
        until = max(d.get("made_at") or d["at"] for d in decisions) + horizon + timedelta(microseconds=1)
        found: dict[tuple[Any, str], list[tuple[datetime, int]]] = {}
        for e in await self.store.events.list_events_between(community_id, since, until):
            try:
                g = grade(EventType(e["type"]), e.get("dwell_ms"))
            except (ValueError, KeyError):
                continue
            if g > 0 and e.get("member_id") is not None:
                found.setdefault((e["member_id"], str(e["content_id"])), []).append((e["occurred_at"], g))
        return found
