"""Crisis rules: detection on every complaint and mention, de-duplicated incidents, steps, webhooks, metrics."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from content_service.domain.procedure import LEVEL_OF_CAUSE, Cause, escalation_step, is_overdue, plan_steps
from content_service.schemas.crisis import (
    DeliveryRead,
    HealthBreachCreate,
    HealthBreachRead,
    IncidentMetrics,
    IncidentRead,
    IncidentResolve,
    MentionCreate,
    MentionRead,
    Sentiment,
    StepRead,
    StepUpdate,
    WebhookConfig,
    WebhookRead,
)
from content_service.schemas.webhooks import ReplayRequest
from content_service.service.events import webhook_event
from content_service.service.metrics import INCIDENTS_OPENED
from content_service.service.settings import SettingsService
from content_service.service.webhook_endpoints import WebhooksService
from content_service.store import ContentStore
from content_service.store.crisis import OPEN
from infra.errors import BadInputError, ConflictError, NotFoundError

Doc = dict[str, Any]


def incident_not_found(incident_id: object) -> NotFoundError:
    return NotFoundError(f"no incident with id {incident_id} in this community", field="incidentId")


@dataclass(frozen=True)
class TickReport:
    overdue_notified: int
    opened_renotified: int


def _step_doc(step: Any) -> Doc:
    return {
        "name": step.name,
        "due_at": step.due_at,
        "done_at": None,
        "owner": None,
        "note": None,
        "overdue_notified": False,
    }


def incident_read(doc: Doc, now: datetime) -> IncidentRead:
    return IncidentRead(
        id=str(doc["_id"]),
        status=doc["status"],
        level=doc["level"],
        cause=doc["cause"],
        causes=doc.get("causes", [doc["cause"]]),
        opened_at=doc["opened_at"],
        triggered_at=doc["triggered_at"],
        resolved_at=doc.get("resolved_at"),
        trigger_count=doc.get("trigger_count", 1),
        steps=[
            StepRead(
                name=s["name"],
                due_at=s["due_at"],
                done_at=s.get("done_at"),
                overdue=is_overdue(s["due_at"], s.get("done_at"), now),
                owner=s.get("owner"),
                note=s.get("note"),
            )
            for s in doc.get("steps", [])
        ],
        escalations=doc.get("escalations", []),
        resolution_reason=doc.get("resolution_reason"),
        undone_steps=doc.get("undone_steps", []),
        health_breaches=[
            HealthBreachRead(
                alert_id=str(b["alert_id"]), key=b["key"], value=b["value"], threshold=b["threshold"], at=b["at"]
            )
            for b in doc.get("health_breaches", [])
        ],
    )


class CrisisService:
    def __init__(self, store: ContentStore, settings: SettingsService, webhooks: WebhooksService) -> None:
        self.store = store
        self.settings = settings
        self.webhooks = webhooks  # the crisis webhook is an endpoint like any other

    # Detection -----------------------------------------------------------------------------------------------

    async def on_complaint(
        self, community_id: ObjectId, *, legal: bool, at: datetime, threshold: int | None = None
    ) -> str | None:
        """Run on every complaint: level 3 when legal, level 1 when the hourly count passes the threshold."""
        if legal:
            return await self.raise_level(community_id, Cause.LEGAL_RISK, at=at, reason="a complaint marked legal")
        existing = await self.store.crisis.open_incident(community_id, Cause.COMPLAINT_SURGE.value)
        if existing is not None:
            await self.store.crisis.bump(existing["community_id"], existing["_id"])
            return str(existing["_id"])
        if threshold is None:
            threshold = (await self.settings.get(community_id)).complaints_per_hour
        count = await self.store.moderation.count_complainers_since(community_id, at - timedelta(hours=1))
        if count <= threshold:
            return None
        reason = f"{count} members complained in the last hour (threshold {threshold})"
        return await self.raise_level(community_id, Cause.COMPLAINT_SURGE, at=at, reason=reason)

    async def push_mention(self, community_id: ObjectId, mention_in: MentionCreate) -> MentionRead:
        now = datetime.now(UTC)
        doc, duplicate = await self.store.crisis.insert_mention(
            {
                "community_id": community_id,
                "platform": mention_in.platform,
                "url": str(mention_in.url),
                "sentiment": mention_in.sentiment.value,
                "occurred_at": min(mention_in.occurred_at, now),
                "legal": mention_in.legal,
                "text": mention_in.text,
                "received_at": now,
                "incident_id": None,
            }
        )
        incident_id: str | None = str(doc["incident_id"]) if doc.get("incident_id") else None
        if not duplicate:
            incident_id = await self._detect_from_mention(community_id, doc, now)
            if incident_id:
                await self.store.crisis.set_mention_incident(community_id, doc["_id"], ObjectId(incident_id))
        return MentionRead(
            id=str(doc["_id"]),
            platform=doc["platform"],
            url=doc["url"],
            sentiment=doc["sentiment"],
            occurred_at=doc["occurred_at"],
            legal=doc["legal"],
            duplicate=duplicate,
            incident_id=incident_id,
        )

    async def _detect_from_mention(self, community_id: ObjectId, doc: Doc, now: datetime) -> str | None:
        if doc["legal"]:
            return await self.raise_level(community_id, Cause.LEGAL_RISK, at=now, reason=f"legal mention {doc['url']}")
        if doc["sentiment"] != Sentiment.NEGATIVE.value:
            return None
        settings = await self.settings.get(community_id)
        since = now - timedelta(hours=settings.mention_window_hours)
        platforms = await self.store.crisis.count_negative_platforms(community_id, since)
        if platforms < settings.mention_platforms:
            return None
        reason = f"negative mentions on {platforms} platforms (threshold {settings.mention_platforms})"
        return await self.raise_level(community_id, Cause.NEGATIVE_SPREAD, at=now, reason=reason)

    async def raise_level(self, community_id: ObjectId, cause: Cause, *, at: datetime, reason: str) -> str:
        """Escalate the community's open incident to the cause's level, or open one; never a duplicate."""
        level = LEVEL_OF_CAUSE[cause]
        deadlines = (await self.settings.get(community_id)).step_deadlines_minutes
        if level > 1:
            current = await self.store.crisis.latest_open(community_id)
            if current is not None:
                if current["level"] >= level:
                    return str(current["_id"])
                steps = [
                    _step_doc(step)
                    for lv in range(current["level"] + 1, level + 1)
                    if (step := escalation_step(lv, at, deadlines)) is not None
                ]
                escalation = {"level": level, "cause": cause.value, "at": at, "reason": reason}
                updated = await self.store.crisis.escalate(
                    current["community_id"],
                    current["_id"],
                    level=level,
                    cause=cause.value,
                    escalation=escalation,
                    steps=steps,
                )
                if updated is not None:
                    await self._notify("incident.escalated", updated, key=f"escalated:{level}")
                return str(current["_id"])
        steps = [_step_doc(s) for s in plan_steps(at, deadlines)]
        steps += [_step_doc(s) for lv in range(2, level + 1) if (s := escalation_step(lv, at, deadlines)) is not None]
        on_insert = {
            "level": level,
            "causes": [cause.value],
            "opened_at": datetime.now(UTC),
            "triggered_at": at,
            "resolved_at": None,
            "steps": steps,
            "escalations": [{"level": level, "cause": cause.value, "at": at, "reason": reason}],
            "opened_notified": False,
        }
        doc, created = await self.store.crisis.upsert_open(community_id, cause.value, on_insert)
        if created:
            INCIDENTS_OPENED.labels(level=str(level), cause=cause.value).inc()
            await self._notify("incident.opened", doc, key="opened")
            await self.store.crisis.set_fields(doc["community_id"], doc["_id"], {}, {"opened_notified": True})
        return str(doc["_id"])

    async def on_health_breach(self, community_id: ObjectId, breach: HealthBreachCreate) -> IncidentRead:
        """Open a HEALTH_BREACH incident for a critical health indicator, or add the breach to the open one (one
        open incident per cause, as for every cause); asked again for the same alert, the same incident."""
        alert_id = ObjectId(breach.alert_id)
        known = await self.store.crisis.find_by_health_alert(community_id, alert_id)
        if known is not None:
            return incident_read(known, datetime.now(UTC))
        now = datetime.now(UTC)
        reason = f"health indicator {breach.key} at {breach.value:g} crossed its critical line {breach.threshold:g}"
        incident_id = await self.raise_level(community_id, Cause.HEALTH_BREACH, at=now, reason=reason)
        entry = {"alert_id": alert_id, "key": breach.key, "value": breach.value, "threshold": breach.threshold}
        doc = await self.store.crisis.add_health_breach(community_id, ObjectId(incident_id), {**entry, "at": now})
        return incident_read(doc, now)

    async def _notify(self, topic: str, doc: Doc, *, key: str) -> None:
        """A webhook event whose id is derived from the incident, so a re-run cannot send it twice."""
        data = {
            "incidentId": str(doc["_id"]),
            "level": doc["level"],
            "cause": doc["cause"],
            "causes": doc.get("causes", []),
        }
        event = webhook_event(str(doc["community_id"]), topic, data, event_id=f"incident-{doc['_id']}-{key}")
        if await self.store.outbox.add_once(event):
            self.store.on_commit()

    # Operators (checked by the gateway) ----------------------------------------------------------------------

    async def list_incidents(self, community_id: ObjectId, *, status: str | None, limit: int) -> list[IncidentRead]:
        now = datetime.now(UTC)
        docs = await self.store.crisis.list_incidents(community_id, status=status, limit=limit)
        return [incident_read(d, now) for d in docs]

    async def get_incident(self, community_id: ObjectId, incident_id: ObjectId) -> IncidentRead:
        return incident_read(await self._incident_or_raise(community_id, incident_id), datetime.now(UTC))

    async def update_step(self, community_id: ObjectId, incident_id: ObjectId, update: StepUpdate) -> IncidentRead:
        doc = await self._incident_or_raise(community_id, incident_id)
        names = [s["name"] for s in doc["steps"]]
        if update.step not in names:
            raise NotFoundError(f"incident has no step {update.step}", field="step")
        index = names.index(update.step)
        step = doc["steps"][index]
        changes: Doc = {}
        if update.owner is not None:
            changes["owner"] = update.owner
        if update.note is not None:
            changes["note"] = update.note
        if update.done:
            if step.get("done_at") is not None:
                raise ConflictError(f"step {update.step} is already done", field="step")
            # Never before the incident opened, whatever the clock says: timestamps do not go backwards.
            changes["done_at"] = max(datetime.now(UTC), doc["opened_at"])
        updated = await self.store.crisis.set_step(
            doc["community_id"], doc["_id"], index, changes, require_not_done=update.done
        )
        if updated is None:
            raise ConflictError(f"step {update.step} is already done", field="step")
        await self._audit(
            community_id,
            update.actor_id,
            "INCIDENT_STEP_UPDATED",
            str(incident_id),
            {"step": update.step, **{k: str(v) for k, v in changes.items()}},
        )
        return incident_read(updated, datetime.now(UTC))

    async def resolve(self, community_id: ObjectId, incident_id: ObjectId, resolve: IncidentResolve) -> IncidentRead:
        """Close the incident; with steps not done only given a reason, recorded with the steps it skipped."""
        doc = await self._incident_or_raise(community_id, incident_id)
        if doc["status"] != OPEN:
            raise ConflictError("the incident is already resolved", field="incidentId")
        undone = [s["name"] for s in doc["steps"] if s.get("done_at") is None]
        reason = resolve.reason or None
        if undone and reason is None:
            raise BadInputError(
                f"{len(undone)} of {len(doc['steps'])} steps are not done ({', '.join(undone)}): "
                "do them, or resolve with a reason",
                field="reason",
            )
        now = max(datetime.now(UTC), doc["opened_at"])
        fields: Doc = {"status": "RESOLVED", "resolved_at": now, "resolution_note": resolve.note}
        if undone:
            fields.update(resolution_reason=reason, undone_steps=undone)
        updated = await self.store.crisis.set_fields(doc["community_id"], doc["_id"], {"status": OPEN}, fields)
        if updated is None:
            raise ConflictError("the incident is already resolved", field="incidentId")
        detail = {"note": resolve.note, **({"reason": reason, "undone_steps": undone} if undone else {})}
        await self._audit(community_id, resolve.actor_id, "INCIDENT_RESOLVED", str(incident_id), detail)
        await self._notify("incident.resolved", updated, key="resolved")
        return incident_read(updated, now)

    async def metrics(self, community_id: ObjectId) -> IncidentMetrics:
        now = datetime.now(UTC)
        counts = await self.store.crisis.metric_counts(community_id, now)
        responses = [ms / 60_000.0 for ms in await self.store.crisis.first_responses_ms(community_id)]
        by_level: Counter[str] = Counter()
        for row in counts["by_level"]:
            by_level[str(row["_id"]["level"])] += int(row["n"])
        open_incidents = sum(int(r["n"]) for r in counts["by_level"] if r["_id"]["status"] == OPEN)
        done, on_time, overdue = (int(counts["steps"][k]) for k in ("done", "on_time", "overdue"))
        judged = on_time + overdue
        return IncidentMetrics(
            incidents_by_level={lv: by_level.get(lv, 0) for lv in ("1", "2", "3")},
            open_incidents=open_incidents,
            median_first_response_minutes=round(statistics.median(responses), 2) if responses else None,
            steps_done=done,
            steps_on_time=on_time,
            steps_overdue=overdue,
            steps_on_time_rate=round(on_time / judged, 4) if judged else None,
        )

    async def tick(self) -> TickReport:
        """Notify overdue steps (once each) and re-send lost 'opened' notifications; safe to run any time. Run
        in-process by the app's periodic task, across every community."""
        now = datetime.now(UTC)
        overdue = renotified = 0
        for doc in await self.store.crisis.list_open_all(limit=1000):
            if not doc.get("opened_notified", True):
                await self._notify("incident.opened", doc, key="opened")
                await self.store.crisis.set_fields(doc["community_id"], doc["_id"], {}, {"opened_notified": True})
                renotified += 1
            for index, step in enumerate(doc["steps"]):
                if step.get("done_at") is None and step["due_at"] < now and not step.get("overdue_notified"):
                    data = {"incidentId": str(doc["_id"]), "step": step["name"], "dueAt": step["due_at"].isoformat()}
                    event = webhook_event(
                        str(doc["community_id"]),
                        "incident.step_overdue",
                        data,
                        event_id=f"incident-{doc['_id']}-overdue-{step['name']}",
                    )
                    await self.store.outbox.add_once(event)
                    await self.store.crisis.set_step(
                        doc["community_id"], doc["_id"], index, {"overdue_notified": True}, require_not_done=False
                    )
                    overdue += 1
        if overdue or renotified:
            self.store.on_commit()
        return TickReport(overdue_notified=overdue, opened_renotified=renotified)

    # The crisis webhook (deprecated operations, served by the webhook endpoints) ------------------------------

    async def configure_webhook(self, community_id: ObjectId, config: WebhookConfig) -> WebhookRead:
        return await self.webhooks.configure_legacy(community_id, config)

    async def deliveries(self, community_id: ObjectId, *, limit: int) -> list[DeliveryRead]:
        return await self.webhooks.deliveries(community_id, limit=limit)

    async def replay(self, community_id: ObjectId, event_id: str, actor_id: str) -> DeliveryRead:
        return await self.webhooks.replay(community_id, ReplayRequest(actor_id=actor_id, event_id=event_id))

    async def _incident_or_raise(self, community_id: ObjectId, incident_id: ObjectId) -> Doc:
        doc = await self.store.crisis.get_incident(community_id, incident_id)
        if doc is None:
            raise incident_not_found(incident_id)
        return doc

    async def _audit(
        self, community_id: ObjectId, actor_id: str | None, action: str, target_id: str, detail: Doc
    ) -> None:
        await self.store.audit.add(
            community_id=community_id,
            actor_id=actor_id,
            action=action,
            target_type="INCIDENT" if action.startswith("INCIDENT") else "WEBHOOK",
            target_id=target_id,
            detail=detail,
        )
