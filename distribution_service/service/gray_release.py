"""Gray release: the rollout follows its schedule, and guardrail metrics of the treatment arms are watched; a
breach rolls the experiment back at once (everyone gets control again) and notifies the community's webhook
through content's notification outbox.

Guardrails over the members exposed to a treatment arm, counted from their exposure on:
MUTE_RATE — share who turned pushes off; COMPLAINT_RATE — complaints filed per member; PUSH_FREQUENCY —
deliveries per member per day; ERROR_RATE — share of the arms' uses that failed (a ranker that would not load).
The same are measured over control's exposed members, so a guardrail may also be relative: breached when the
treatment is worse than control by more than a margin, by an always-valid test (`domain/guardrails.py`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bson import ObjectId

from content_service.client import ContentClient
from distribution_service.domain.assignment import scheduled_share
from distribution_service.domain.experiment_enums import ExperimentStatus, GuardrailMetric
from distribution_service.domain.guardrails import GUARDRAIL_MIN_MEMBERS, Sample, judge_relative
from distribution_service.schemas.experiments import GuardrailBreach, GuardrailCheck
from distribution_service.service.experiment_docs import ExperimentNotFound, experiment_read
from distribution_service.store import DistributionStore, Doc
from infra.moments import as_utc

log = logging.getLogger(__name__)
ROLLED_BACK_TOPIC = "experiment.rolled_back"
# Complaints read per check (newest first): a community's complaints since an experiment began are far fewer.
COMPLAINTS_READ = 500
DAY = 86_400.0


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
            [{"at": as_utc(s["at"]), "share": s["share"]} for s in doc.get("schedule", [])],
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
        samples = await self.guardrail_samples(cid, doc)
        breaches = [b for g in doc.get("guardrails", []) if (b := _breach(g, *samples[g["metric"]])) is not None]
        rolled_back = False
        if breaches and doc["status"] == ExperimentStatus.RUNNING.value:
            reason = "; ".join(_said(b) for b in breaches)
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
            experiment=experiment_read(doc),
            values={m: t.mean for m, (t, _) in samples.items()},
            control_values={m: c.mean for m, (_, c) in samples.items()},
            breaches=breaches,
            rolled_back=rolled_back,
        )

    async def guardrail_samples(self, cid: ObjectId, doc: Doc) -> dict[str, tuple[Sample, Sample]]:
        """Each guardrail metric over the treatment arms' exposed members and over control's: (treatment, control)."""
        control = doc["arms"][0]["name"]
        exposures = await self.store.experiments.list_exposures(cid, doc["_id"])
        arms = {
            True: {e["member_id"]: as_utc(e["at"]) for e in exposures if e["arm"] != control},
            False: {e["member_id"]: as_utc(e["at"]) for e in exposures if e["arm"] == control},
        }
        everyone = {**arms[True], **arms[False]}
        wanted = {g["metric"] for g in doc.get("guardrails", [])}
        per_member: dict[str, dict[ObjectId, float]] = {}
        if GuardrailMetric.MUTE_RATE.value in wanted:
            prefs = await self.store.deliveries.list_push_preferences(cid, list(everyone))
            per_member[GuardrailMetric.MUTE_RATE.value] = {
                member: float(
                    bool((p := prefs.get(str(member))) and p.get("opted_out") and as_utc(p["updated_at"]) >= at)
                )
                for member, at in everyone.items()
            }
        if GuardrailMetric.COMPLAINT_RATE.value in wanted:
            complaints = dict.fromkeys(everyone, 0.0)
            if self.content is not None and everyone:
                for c in await self.content.moderation_queue(str(cid), status=None, limit=COMPLAINTS_READ):
                    at = everyone.get(ObjectId(c.member_id))
                    if at is not None and as_utc(c.created_at) >= at:
                        complaints[ObjectId(c.member_id)] += 1
            per_member[GuardrailMetric.COMPLAINT_RATE.value] = complaints
        if GuardrailMetric.PUSH_FREQUENCY.value in wanted:
            # One window for both arms (from the first exposure), so that they are compared over the same days.
            since = min(everyone.values()) if everyone else datetime.now(UTC)
            counts = await self.store.deliveries.count_deliveries_by_member_since(cid, list(everyone), since)
            days = max((datetime.now(UTC) - since).total_seconds() / DAY, 1.0)
            per_member[GuardrailMetric.PUSH_FREQUENCY.value] = {m: counts.get(str(m), 0) / days for m in everyone}
        samples = {
            metric: (
                Sample.of_values([values[m] for m in arms[True]]),
                Sample.of_values([values[m] for m in arms[False]]),
            )
            for metric, values in per_member.items()
        }
        if GuardrailMetric.ERROR_RATE.value in wanted:
            uses, failures = doc.get("uses", {}), doc.get("failures", {})
            treated = [a["name"] for a in doc["arms"][1:]]
            samples[GuardrailMetric.ERROR_RATE.value] = (
                Sample.of_rate(
                    sum(int(failures.get(a, 0)) for a in treated), sum(int(uses.get(a, 0)) for a in treated)
                ),
                Sample.of_rate(int(failures.get(control, 0)), int(uses.get(control, 0))),
            )
        return samples

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


def _breach(guardrail: Doc, treatment: Sample, control: Sample) -> GuardrailBreach | None:
    """The guardrail's breach, if any: over its absolute max first, else worse than control beyond its margin."""
    metric = guardrail["metric"]
    if treatment.mean > float(guardrail["max"]):
        return GuardrailBreach(metric=metric, value=treatment.mean, max=float(guardrail["max"]))
    margin = guardrail.get("max_increase_over_control")
    if margin is None:
        return None
    judgement = judge_relative(
        control,
        treatment,
        float(margin),
        min_members=int(guardrail.get("min_members_per_arm") or GUARDRAIL_MIN_MEMBERS),
    )
    if not judgement.breached:
        return None
    return GuardrailBreach(metric=metric, value=treatment.mean, max=judgement.limit, control_value=control.mean)


def _said(breach: GuardrailBreach) -> str:
    said = f"{breach.metric.value} {breach.value:.4g} > {breach.max:.4g}"
    return said if breach.control_value is None else f"{said} (control {breach.control_value:.4g} + margin)"
