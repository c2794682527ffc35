"""distribution_service's flows: record events, assemble and explain feeds, run golden slots, inbox and rates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from bson import ObjectId

from content_service.client import ContentClient
from distribution_service.domain import decision_log
from distribution_service.domain.honeycomb import EventType, Scene
from distribution_service.domain.schedule import DEFAULT_SLOTS, in_quiet_hours, parse_clock, parse_slots, partition
from distribution_service.feed import COUNTERS_TTL_SECONDS, FeedRanker
from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.relations import RelationsService
from distribution_service.schemas import (
    ActivityByMember,
    DeliveryItem,
    DeliveryRead,
    EventBatch,
    EventCreate,
    EventRecorded,
    EventsRecorded,
    ExplainRequest,
    FeatureValue,
    FeedExplanation,
    FeedItem,
    FeedPage,
    FeedRequest,
    Inbox,
    MemberActivity,
    PushPreferencesRead,
    PushPreferencesUpdate,
    SlotMembers,
    SlotRate,
    SlotRates,
    SlotRunRequest,
    SlotRunResult,
)
from distribution_service.store import DistributionStore, Doc
from infra.errors import NotFoundError
from infra.schemas import object_id
from users_service.client import UsersClient

# Playbook figure as default: three golden pushes a day, so at most 3 deliveries per member per day.
MAX_DELIVERIES_PER_DAY = 3
# Slot runs reach members active in this many last days.
ACTIVE_DAYS = 90
# Opens and shares of a delivered item mark its delivery opened or shared (open rate and share rate per slot).
DELIVERY_MARKS = {EventType.OPEN: "opened_at", EventType.CLICK: "opened_at", EventType.SHARE: "shared_at"}


class DistributionService:
    def __init__(
        self,
        store: DistributionStore,
        content: ContentClient,
        users: UsersClient | None = None,
        *,
        slots: str = DEFAULT_SLOTS,
        max_deliveries_per_day: int = MAX_DELIVERIES_PER_DAY,
        counters_ttl_seconds: float = COUNTERS_TTL_SECONDS,
    ) -> None:
        self.store = store
        self.slots = parse_slots(slots)
        self.max_deliveries_per_day = max_deliveries_per_day
        self.content = content
        self.users = users
        self.registry = ModelRegistry(store)
        # Issue 5: follows and blocks (distribution_service/relations.py); the ranker's candidates obey them.
        self.relations = RelationsService(store, users)
        self.ranker = FeedRanker(
            store, content, users, self.registry, self.relations, counters_ttl_seconds=counters_ttl_seconds
        )

    async def record_events(self, community_id: str, batch: EventBatch) -> EventsRecorded:
        cid = object_id(community_id, field="communityId")
        # Every item must be content of this community: events never cross tenants. One lookup for the batch.
        ids = list(dict.fromkeys(e.content_id for e in batch.events))
        found = dict(zip(ids, await self.content.lookup(community_id, ids), strict=True))
        for e in batch.events:
            if found[e.content_id] is None:
                raise NotFoundError(f"no content with id {e.content_id} in this community", field="contentId")
        now = datetime.now(UTC)
        docs: list[Doc] = []
        for e in batch.events:
            item = found[e.content_id]
            assert item is not None
            doc: Doc = {
                "community_id": cid,
                "member_id": ObjectId(e.member_id),
                "content_id": ObjectId(e.content_id),
                "type": e.type.value,
                "slot": e.slot.value if e.slot else None,
                "scene": e.scene.value if e.scene else None,
                "occurred_at": min(e.occurred_at or now, now),
                "received_at": now,
                "dwell_ms": e.dwell_ms,
                # The item as it was when the event happened: member history and affinities read this snapshot.
                "tags": item.tags,
                "author_id": item.author_id,
                "kind": item.kind.value,
            }
            if e.client_event_id:
                doc["client_event_id"] = e.client_event_id
            if e.decision_id:
                doc["decision_id"] = ObjectId(e.decision_id)
            docs.append(doc)
        results = await self.store.insert_events(docs)
        for doc, (_, duplicate) in zip(docs, results, strict=True):
            mark = DELIVERY_MARKS.get(EventType(doc["type"]))
            if mark and not duplicate:
                await self.store.mark_delivery(cid, doc["member_id"], doc["content_id"], mark, doc["occurred_at"])
        return EventsRecorded(items=[EventRecorded(id=str(i), duplicate=d) for i, d in results])

    async def record_event(self, community_id: str, event_in: EventCreate) -> EventRecorded:
        return (await self.record_events(community_id, EventBatch(events=[event_in]))).items[0]

    async def feed(self, community_id: str, request: FeedRequest) -> FeedPage:
        object_id(community_id, field="communityId")
        decision = await self.ranker.decide(
            community_id, request.member_id, request.slot, request.scene, first=request.first, source="feed"
        )
        return FeedPage(
            items=[
                FeedItem(
                    content_id=s.content_id, score=s.score, reasons=s.reasons, position=s.position, sources=s.sources
                )
                for s in decision.shown
            ],
            model_version=decision.model_version,
            decision_id=str(decision.id),
        )

    async def explain(self, community_id: str, request: ExplainRequest) -> FeedExplanation:
        cid = object_id(community_id, field="communityId")
        decision = await self.store.get_decision(cid, ObjectId(request.decision_id))
        # Only the member the decision was made for may read it; anyone else is told it does not exist.
        if decision is None or str(decision["member_id"]) != request.member_id:
            raise NotFoundError("no such decision for this member", field="decisionId")
        candidates = [str(c) for c in decision_log.candidate_ids(decision)]
        if request.content_id not in candidates:
            raise NotFoundError("the item was not a candidate of this decision", field="contentId")
        row = candidates.index(request.content_id)
        features = decision_log.features(decision)[row]
        shown = {str(s["content_id"]): s for s in decision["shown"]}
        item = shown.get(request.content_id)
        return FeedExplanation(
            decision_id=request.decision_id,
            content_id=request.content_id,
            model_version=decision["model_version"],
            experiment_arm=decision.get("experiment_arm"),
            shadow_version=decision.get("shadow_version"),
            slot=decision["slot"],
            scene=decision["scene"],
            at=decision["at"],
            position=item["position"] if item else None,
            # The shown score as served; a candidate not shown reads its logged (float32) score.
            score=item["score"] if item else round(float(decision_log.scores(decision)[row]), 6),
            reasons=item["reasons"] if item else {},
            sources=item.get("sources", []) if item else [],
            features=[
                FeatureValue(name=name, value=None if np.isnan(v) else round(float(v), 6))
                for name, v in zip(FEATURES, features, strict=True)
            ],
        )

    async def slot_members(self, community_id: str, *, partition_index: int, partitions: int) -> SlotMembers:
        """Members a slot run reaches: those active or joined in the last 90 days (a newcomer with no event yet
        is who the pushes are for), the share of one worker of `partitions`."""
        cid = object_id(community_id, field="communityId")
        since = datetime.now(UTC) - timedelta(days=ACTIVE_DAYS)
        reached = set(await self.store.list_active_members(cid, since))
        if self.users is not None:
            reached.update(await self.users.member_ids_joined_since(community_id, since))
        return SlotMembers(member_ids=partition(sorted(reached), partition_index, partitions))

    async def set_push_preferences(self, community_id: str, update: PushPreferencesUpdate) -> PushPreferencesRead:
        cid = object_id(community_id, field="communityId")
        fields = update.model_dump(exclude={"member_id"}, exclude_unset=True)
        doc = await self.store.upsert_push_preferences(cid, ObjectId(update.member_id), fields)
        return PushPreferencesRead(
            opted_out=bool(doc.get("opted_out")), quiet_start=doc.get("quiet_start"), quiet_end=doc.get("quiet_end")
        )

    async def run_slot(self, community_id: str, request: SlotRunRequest) -> SlotRunResult:
        """Each listed member's top-k for the slot, once per local day: a re-run after a crash adds nothing twice.
        Members who opted out, whose quiet hours cover the slot, or who reached the daily cap get nothing."""
        cid = object_id(community_id, field="communityId")
        mids = [ObjectId(m) for m in request.member_ids]
        done = await self.store.list_delivered_members(cid, request.slot.value, request.day, mids)
        preferences = await self.store.list_push_preferences(cid, mids)
        recent = await self.store.count_deliveries_by_member_since(cid, mids, datetime.now(UTC) - timedelta(days=1))
        slot_clock = self.slots[request.slot]
        counts = dict.fromkeys(("delivered", "already_delivered", "capped", "opted_out", "quiet", "empty"), 0)
        eligible: list[str] = []
        for member_id in request.member_ids:
            pref = preferences.get(member_id, {})
            quiet = in_quiet_hours(
                slot_clock,
                parse_clock(pref["quiet_start"]) if pref.get("quiet_start") else None,
                parse_clock(pref["quiet_end"]) if pref.get("quiet_end") else None,
            )
            if member_id in done:
                counts["already_delivered"] += 1
            elif pref.get("opted_out"):
                counts["opted_out"] += 1
            elif quiet:
                counts["quiet"] += 1
            elif recent.get(member_id, 0) >= self.max_deliveries_per_day:
                counts["capped"] += 1
            else:
                eligible.append(member_id)
        if not eligible:
            return SlotRunResult(**counts)
        # One candidate pool (content, counters, tiers) for the whole batch: members differ only in what
        # they have seen, their history and their features.
        decisions = await self.ranker.decide_many(
            community_id, eligible, request.slot, Scene.BEFORE_DECISION, first=request.top_k, source="slot"
        )
        now = datetime.now(UTC)
        docs = [
            {
                "community_id": cid,
                "member_id": ObjectId(member_id),
                "slot": request.slot.value,
                "day": request.day,
                "decision_id": decision.id,
                "model_version": decision.model_version,
                "items": [
                    {"content_id": ObjectId(s.content_id), "score": s.score, "position": s.position}
                    for s in decision.shown
                ],
                "created_at": now,
                "opened_at": None,
                "shared_at": None,
            }
            for member_id, decision in zip(eligible, decisions, strict=True)
            if decision.shown
        ]
        counts["empty"] = len(eligible) - len(docs)
        new = await self.store.insert_deliveries(docs)
        # A concurrent worker may have delivered some in between: the unique index kept each to one.
        counts["delivered"] = new
        counts["already_delivered"] += len(docs) - new
        return SlotRunResult(**counts)

    async def inbox(self, community_id: str, member_id: str, first: int) -> Inbox:
        cid = object_id(community_id, field="communityId")
        docs = await self.store.list_deliveries_for_member(cid, ObjectId(member_id), limit=first)
        return Inbox(
            deliveries=[
                DeliveryRead(
                    id=str(d["_id"]),
                    slot=d["slot"],
                    day=d["day"],
                    decision_id=str(d["decision_id"]),
                    model_version=d["model_version"],
                    items=[
                        DeliveryItem(content_id=str(i["content_id"]), score=i["score"], position=i["position"])
                        for i in d["items"]
                    ],
                    created_at=d["created_at"],
                    opened_at=d.get("opened_at"),
                    shared_at=d.get("shared_at"),
                )
                for d in docs
            ]
        )

    async def slot_rates(self, community_id: str) -> SlotRates:
        rows = await self.store.aggregate_slot_rates(object_id(community_id, field="communityId"))
        return SlotRates(
            slots=[
                SlotRate(
                    slot=r["_id"],
                    delivered=r["delivered"],
                    opened=r["opened"],
                    shared=r["shared"],
                    open_rate=round(r["opened"] / r["delivered"], 6) if r["delivered"] else 0.0,
                    share_rate=round(r["shared"] / r["delivered"], 6) if r["delivered"] else 0.0,
                )
                for r in sorted(rows, key=lambda r: str(r["_id"]))
            ]
        )

    async def activity_by_member(self, community_id: str, since: datetime | None) -> ActivityByMember:
        rows = await self.store.aggregate_activity_by_member(object_id(community_id, field="communityId"), since)
        return ActivityByMember(
            members={
                str(row["_id"]): MemberActivity(
                    events=row["events"], engagement=round(row["engagement"], 6), last_at=row["last_at"]
                )
                for row in rows
            }
        )
