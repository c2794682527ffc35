"""Gray release: the rollout follows its schedule, and guardrail metrics of the treatment arms are watched; a
breach rolls the experiment back at once (everyone gets control again) and notifies the community's webhook
through content's notification outbox.

Guardrails over the members exposed to a treatment arm, counted from their exposure on:
MUTE_RATE — share who turned pushes off; COMPLAINT_RATE — complaints filed per member; PUSH_FREQUENCY —
deliveries per member per day; ERROR_RATE — share of the arms' uses that failed (a ranker that would not load).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bson import ObjectId

from content_service.client import ContentClient
from distribution_service.domain.assignment import scheduled_share
from distribution_service.domain.experiment_enums import ExperimentStatus, GuardrailMetric
from distribution_service.schemas.experiments import GuardrailBreach, GuardrailCheck
from distribution_service.service.experiment_docs import ExperimentNotFound, experiment_read
from distribution_service.store import DistributionStore, Doc

log = logging.getLogger(__name__)
ROLLED_BACK_TOPIC = "experiment.rolled_back"
# Complaints read per check (newest first): a community's complaints since an experiment began are far fewer.
COMPLAINTS_READ = 500
DAY = 86_400.0


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class GrayReleaseService:
    def __init__(self, store: DistributionStore, content: ContentClient | None) -> None:
        self.store = store
        self.content = content

    async def tick(self) -> None:
        """Every running experiment: follow its schedule, then check its guardrails."""
        for cid in await self.store.experiments.list_running_communities():
            for doc in await self.store.experiments.list_running(cid):
                try:
                    await self._follow_schedule(cid, doc)
                    await self.check(cid, doc["_id"])
                except Exception:  # one experiment's failure must not stop the others' guardrails
                    log.exception("gray release tick failed", extra={"experiment_id": str(doc["_id"])})

    async def _follow_schedule(self, cid: ObjectId, doc: Doc) -> None:
        share = scheduled_share(
            [{"at": _aware(s["at"]), "share": s["share"]} for s in doc.get("schedule", [])],
            datetime.now(UTC),
            float(doc["rollout"]),
        )
        if share != float(doc["rollout"]):
            await self.store.experiments.update_experiment(
                cid, doc["_id"], {"rollout": share}, from_status=(ExperimentStatus.RUNNING.value,)
            )

    async def check(self, cid: ObjectId, experiment_id: ObjectId) -> GuardrailCheck:
        doc = await self.store.experiments.get_experiment(cid, experiment_id)
        if doc is None:
            raise ExperimentNotFound()
        values = await self.guardrail_values(cid, doc)
        breaches = [
            GuardrailBreach(metric=g["metric"], value=values[g["metric"]], max=g["max"])
            for g in doc.get("guardrails", [])
            if values.get(g["metric"], 0.0) > float(g["max"])
        ]
        rolled_back = False
        if breaches and doc["status"] == ExperimentStatus.RUNNING.value:
            reason = "; ".join(f"{b.metric.value} {b.value:.4g} > {b.max:.4g}" for b in breaches)
            fields = {
                "status": ExperimentStatus.ROLLED_BACK.value,
                "rollout": 0.0,
                "stopped_at": datetime.now(UTC),
                "stop_reason": f"guardrail breached: {reason}",
            }
            moved = await self.store.experiments.update_experiment(
                cid, experiment_id, fields, from_status=(ExperimentStatus.RUNNING.value,)
            )
            if moved is not None:
                doc, rolled_back = moved, True
                await self._notify(cid, doc, breaches)
        return GuardrailCheck(
            experiment=experiment_read(doc), values=values, breaches=breaches, rolled_back=rolled_back
        )

    async def guardrail_values(self, cid: ObjectId, doc: Doc) -> dict[str, float]:
        control = doc["arms"][0]["name"]
        exposed = {
            e["member_id"]: _aware(e["at"])
            for e in await self.store.experiments.list_exposures(cid, doc["_id"])
            if e["arm"] != control
        }
        wanted = {g["metric"] for g in doc.get("guardrails", [])}
        values: dict[str, float] = {}
        n = len(exposed)
        if GuardrailMetric.MUTE_RATE.value in wanted:
            prefs = await self.store.deliveries.list_push_preferences(cid, list(exposed))
            muted = sum(
                1
                for member, at in exposed.items()
                if (p := prefs.get(str(member))) and p.get("opted_out") and _aware(p["updated_at"]) >= at
            )
            values[GuardrailMetric.MUTE_RATE.value] = muted / n if n else 0.0
        if GuardrailMetric.COMPLAINT_RATE.value in wanted:
            complaints = 0
            if self.content is not None and n:
                for c in await self.content.moderation_queue(str(cid), status=None, limit=COMPLAINTS_READ):
                    at = exposed.get(ObjectId(c.member_id))
                    if at is not None and _aware(c.created_at) >= at:
                        complaints += 1
            values[GuardrailMetric.COMPLAINT_RATE.value] = complaints / n if n else 0.0
        if GuardrailMetric.PUSH_FREQUENCY.value in wanted:
            since = min(exposed.values()) if exposed else datetime.now(UTC)
            counts = await self.store.deliveries.count_deliveries_by_member_since(cid, list(exposed), since)
            days = max((datetime.now(UTC) - since).total_seconds() / DAY, 1.0)
            values[GuardrailMetric.PUSH_FREQUENCY.value] = sum(counts.values()) / n / days if n else 0.0
        if GuardrailMetric.ERROR_RATE.value in wanted:
            arms = [a["name"] for a in doc["arms"][1:]]
            uses = sum(int(doc.get("uses", {}).get(a, 0)) for a in arms)
            failures = sum(int(doc.get("failures", {}).get(a, 0)) for a in arms)
            values[GuardrailMetric.ERROR_RATE.value] = failures / uses if uses else 0.0
        return values

    async def _notify(self, cid: ObjectId, doc: Doc, breaches: list[GuardrailBreach]) -> None:
        """Tell the community's webhook; a failure to queue is logged, never undoes the rollback."""
        if self.content is None:
            return
        data = {
            "experimentId": str(doc["_id"]),
            "name": doc["name"],
            "reason": doc.get("stop_reason"),
            "breaches": [b.to_wire() for b in breaches],
        }
        try:
            await self.content.notify(str(cid), ROLLED_BACK_TOPIC, f"experiment-{doc['_id']}-rolled-back", data)
        except Exception:
            log.exception("rollback notification failed", extra={"experiment_id": str(doc["_id"])})
