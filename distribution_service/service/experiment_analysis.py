"""Reading an experiment out: exposures from the log, what each exposed member did afterwards from the events
(opens, clicks, shares; impressions also from the decisions that showed them) and the ledger (revenue, through
billing's client), the same for the pre-period (CUPED), then the pure readout; for an interleaving experiment, the
decisions each ranker won."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from bson import ObjectId

from billing_service.client import BillingClient
from distribution_service.domain.experiment_enums import ExperimentKind, ExperimentMetric
from distribution_service.domain.experiment_readout import ArmSample, metric_values, readout
from distribution_service.domain.experiment_stats import interleaving_test
from distribution_service.domain.honeycomb import EventType
from distribution_service.domain.interleaving import TEAM_A, TEAM_B, credit
from distribution_service.schemas.experiments import ExperimentAnalysis, InterleavingRead
from distribution_service.service.experiment_docs import ExperimentNotFound, weights_of
from distribution_service.store import DistributionStore, Doc
from infra.moments import as_utc

COUNTED = {
    EventType.OPEN.value: "opened",
    EventType.IMPRESSION.value: "impressions",
    EventType.CLICK.value: "clicks",
    EventType.SHARE.value: "shares",
}
FIELDS = ("opened", "impressions", "clicks", "shares")


def _tally(events: list[Doc], since: dict[Any, datetime] | None) -> dict[Any, dict[str, int]]:
    """Per member: events of each counted type (after the member's own exposure, when `since` is given)."""
    tally: dict[Any, dict[str, int]] = {}
    for e in events:
        field = COUNTED.get(e.get("type", ""))
        member = e.get("member_id")
        if field is None or member is None:
            continue
        if since is not None:
            start = since.get(member)
            if start is None or as_utc(e["occurred_at"]) < start:
                continue
        row = tally.setdefault(member, dict.fromkeys(FIELDS, 0))
        row[field] += 1
    return tally


class ExperimentAnalysisService:
    def __init__(self, store: DistributionStore, billing: BillingClient | None) -> None:
        self.store = store
        self.billing = billing

    async def analyse(self, cid: ObjectId, experiment_id: ObjectId) -> ExperimentAnalysis:
        doc = await self.store.experiments.get_experiment(cid, experiment_id)
        if doc is None:
            raise ExperimentNotFound()
        now = datetime.now(UTC)
        start = as_utc(doc.get("started_at") or doc["created_at"])
        pre_start = start - timedelta(days=int(doc.get("pre_period_days", 14)))
        exposures = await self.store.experiments.list_exposures(cid, experiment_id)
        exposed_at = {e["member_id"]: as_utc(e["at"]) for e in exposures}
        after = _tally(await self._events_between(cid, start, now + timedelta(seconds=1)), exposed_at)
        before = _tally(await self._events_between(cid, pre_start, start), None)
        revenue_after, revenue_before = await self._revenue(cid, pre_start, start)
        metric = ExperimentMetric(doc["primary_metric"])
        samples = []
        for arm in doc["arms"]:
            members = [e["member_id"] for e in exposures if e["arm"] == arm["name"]]
            samples.append(self._sample(arm["name"], members, after, before, revenue_after, revenue_before, metric))
        result = readout(
            samples,
            weights_of(doc),
            metric,
            salt=doc["salt"],
            target_sample=int(doc["target_sample"]),
            mde_relative=doc.get("mde"),
        )
        interleaving = None
        if doc["kind"] == ExperimentKind.INTERLEAVING.value:
            interleaving = await self._interleaving(cid, experiment_id, start)
        return ExperimentAnalysis.model_validate(
            {**result, "experiment_id": str(experiment_id), "interleaving": interleaving}
        )

    async def _events_between(self, cid: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        """The window's events and its served impressions (counted decisions' shown items, store/decisions.py)."""
        events = await self.store.events.list_events_between(cid, since, until)
        return events + await self.store.decisions.list_impressions_between(cid, since, until)

    @staticmethod
    def _sample(
        name: str,
        members: list[ObjectId],
        after: dict[Any, dict[str, int]],
        before: dict[Any, dict[str, int]],
        revenue_after: dict[str, int],
        revenue_before: dict[str, int],
        metric: ExperimentMetric,
    ) -> ArmSample:
        empty = dict.fromkeys(FIELDS, 0)

        def column(tally: dict[Any, dict[str, int]], field: str) -> np.ndarray:
            return np.array([tally.get(m, empty)[field] for m in members], dtype=float)

        pre = ArmSample(
            name,
            opened=column(before, "opened"),
            impressions=column(before, "impressions"),
            clicks=column(before, "clicks"),
            shares=column(before, "shares"),
            revenue=np.array([revenue_before.get(str(m), 0) for m in members], dtype=float),
        )
        return ArmSample(
            name,
            opened=column(after, "opened"),
            impressions=column(after, "impressions"),
            clicks=column(after, "clicks"),
            shares=column(after, "shares"),
            revenue=np.array([revenue_after.get(str(m), 0) for m in members], dtype=float),
            pre=metric_values(pre, metric),
        )

    async def _revenue(
        self, cid: ObjectId, pre_start: datetime, start: datetime
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Revenue per member (minor units, net of refunds) since the start, and in the pre-period, from the
        ledger through billing; none when billing is not wired (a distribution-only deployment)."""
        if self.billing is None:
            return {}, {}
        since_start = await self.billing.revenue_by_member(str(cid), start)
        since_pre = await self.billing.revenue_by_member(str(cid), pre_start)
        before = {m: v - since_start.get(m, 0) for m, v in since_pre.items()}
        return since_start, before

    async def _interleaving(self, cid: ObjectId, experiment_id: ObjectId, start: datetime) -> InterleavingRead:
        decisions = await self.store.decisions.list_interleaved_decisions(cid, experiment_id)
        clicked: dict[ObjectId, set[str]] = {}
        types = [EventType.CLICK.value, EventType.OPEN.value]
        for e in await self.store.events.list_attributed_events(cid, start, types):
            clicked.setdefault(e["decision_id"], set()).add(str(e["content_id"]))
        wins = {TEAM_A: 0, TEAM_B: 0}
        for d in decisions:
            winner = credit(d["interleaving"]["teams"], clicked.get(d["_id"], set()))
            if winner:
                wins[winner] += 1
        test = interleaving_test(wins[TEAM_A], wins[TEAM_B])
        return InterleavingRead(decisions=len(decisions), **test)
