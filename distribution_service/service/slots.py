"""Golden slots: who a run reaches, one run's deliveries (once per member, slot and local day), members' push
preferences, their inbox, and each slot's open and share rates."""

from __future__ import annotations

import asyncio
import time as monotonic_clock
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bson import ObjectId

from distribution_service.domain.experiment_enums import Channel
from distribution_service.domain.honeycomb import Scene, Slot
from distribution_service.domain.schedule import in_quiet_hours, parse_clock, partition
from distribution_service.schemas import (
    DeliveryItem,
    DeliveryRead,
    Inbox,
    PushPreferencesRead,
    PushPreferencesUpdate,
    SlotMembers,
    SlotRate,
    SlotRates,
    SlotRunRequest,
    SlotRunResult,
)
from distribution_service.service.assignment import Assigned, AssignmentService
from distribution_service.service.metrics import PUSHES_DELIVERED
from distribution_service.service.push_reasons import PushReasons
from distribution_service.service.ranker import FeedRanker
from distribution_service.service.recent_deliveries import RecentDeliveries
from distribution_service.service.shown_members import ShownMembers
from distribution_service.store import DistributionStore
from infra.mail_handoff import pending_mail
from users_service.client import UsersClient

# Playbook figure as default: three golden pushes a day, so at most 3 deliveries per member per day.
MAX_DELIVERIES_PER_DAY = 3
# Slot runs reach members active in this many last days.
ACTIVE_DAYS = 90
# A slot run's chunks share one read of the community's newest items (a run of 100,000 members takes minutes).
SLOT_POOL_SECONDS = 600.0
# The partitions of one run asked within this long of each other share one read of the community's reach (each read
# is a `distinct` over 90 days of events and a read of the last hour's decisions: right after a run, every decision
# that run made, fetched and matched whole by the server).
REACH_REUSE_SECONDS = 30.0
# A slot run's chunks (service/scheduled.py) in flight at once in a process: ranking is CPU in a worker thread, the
# rest waits on the database. With two, a chunk's reads and writes often left both the ranking thread and the server
# idle (`python -m benchmarks.slot_run --members 20000 --storage disk`: 2 → 3 or 4, +10-15%; two partitions side by
# side, 4 in all, ran faster than 3 at 100,000 members; docs/performance.md).
CHUNKS_IN_FLIGHT = 4


@dataclass(frozen=True)
class _Reach:
    read_at: float  # monotonic seconds
    members: list[str]  # sorted


class SlotsService:
    def __init__(
        self,
        store: DistributionStore,
        ranker: FeedRanker,
        users: UsersClient | None,
        *,
        clocks: dict[Slot, time],
        max_deliveries_per_day: int = MAX_DELIVERIES_PER_DAY,
        explain: bool = True,
        reach_reuse_seconds: float = REACH_REUSE_SECONDS,
    ) -> None:
        self.store = store
        self.ranker = ranker
        self.users = users
        self.clocks = clocks
        self.max_deliveries_per_day = max_deliveries_per_day
        # Set by the facade: push experiments (copy, golden slot); None pushes without.
        self.assignment: AssignmentService | None = None
        # The inbox shows each pushed item's reasons (a model's contributions computed when read, push_reasons.py).
        self.explain = explain
        self.reasons = PushReasons(store, ranker.registry)
        # Members shown something in the last ACTIVE_DAYS, read incrementally between runs and processes
        # (service/shown_members.py).
        self.shown = ShownMembers(store.decisions, kept=store.decisions.reach, log=store.events.shown_log)
        # Each member's deliveries of the last day (the cap), one read serving a run's chunks.
        self.recent_deliveries = RecentDeliveries(store.deliveries)
        # Each community's last reach read, shared by the partitions asked soon after it (REACH_REUSE_SECONDS).
        self.reach_reuse_seconds = reach_reuse_seconds
        self._reach: dict[ObjectId, _Reach] = {}
        self._reach_locks: dict[ObjectId, asyncio.Lock] = {}
        # Shared by every run in this process (partitions side by side): CHUNKS_IN_FLIGHT chunks at most in all.
        self.chunk_gate = asyncio.Semaphore(CHUNKS_IN_FLIGHT)

    async def slot_members(self, cid: ObjectId, *, partition_index: int, partitions: int) -> SlotMembers:
        """Members a slot run reaches: those active or joined in the last 90 days (a newcomer with no event yet
        is who the pushes are for), the share of one worker of `partitions`. Partitions asked within
        `reach_reuse_seconds` of each other split one read of the reach."""
        return SlotMembers(member_ids=partition(await self._reached(cid), partition_index, partitions))

    def forget_reach(self, cid: ObjectId) -> None:
        """Drop the community's kept reach: the next `slot_members` reads it again (a benchmark's second run)."""
        self._reach.pop(cid, None)

    async def _reached(self, cid: ObjectId) -> list[str]:
        """The community's reach, sorted: read again once the last read is `reach_reuse_seconds` old."""
        async with self._reach_locks.setdefault(cid, asyncio.Lock()):
            now = monotonic_clock.monotonic()
            kept = self._reach.get(cid)
            if kept is not None and now - kept.read_at < self.reach_reuse_seconds:
                return kept.members
            since = datetime.now(UTC) - timedelta(days=ACTIVE_DAYS)
            reached = set(await self.store.events.list_active_members(cid, since))
            # Members only shown something since (served impressions are their decisions, not events).
            reached.update(await self.shown.since(cid, since))
            if self.users is not None:
                reached.update(await self.users.member_ids_joined_since(str(cid), since))
            # Other communities' reads past their reuse are dropped: a scheduler's process serves many.
            self._reach = {c: r for c, r in self._reach.items() if now - r.read_at < self.reach_reuse_seconds}
            self._reach[cid] = _Reach(now, sorted(reached))
            return self._reach[cid].members

    async def set_push_preferences(self, cid: ObjectId, update: PushPreferencesUpdate) -> PushPreferencesRead:
        fields = update.model_dump(exclude={"member_id"}, exclude_unset=True)
        doc = await self.store.deliveries.upsert_push_preferences(cid, ObjectId(update.member_id), fields)
        return PushPreferencesRead(
            opted_out=bool(doc.get("opted_out")),
            quiet_start=doc.get("quiet_start"),
            quiet_end=doc.get("quiet_end"),
            by_email=bool(doc.get("by_email")),
        )

    async def run_slot(self, cid: ObjectId, request: SlotRunRequest) -> SlotRunResult:
        """Each listed member's top-k for the slot, once per local day: a re-run after a crash adds nothing twice.
        Members who opted out, whose quiet hours cover the slot, or who reached the daily cap get nothing."""
        mids = [ObjectId(m) for m in request.member_ids]
        # Independent reads, sent together: one round trip's wait instead of three.
        done, preferences, recent = await asyncio.gather(
            self.store.deliveries.list_delivered_members(cid, request.slot.value, request.day, mids),
            self.store.deliveries.list_push_preferences(cid, mids),
            self.recent_deliveries.counts(cid, request.member_ids),
        )
        slot_clock = self.clocks[request.slot]
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
        eligible, push_arms, moved = await self._push_arms(cid, eligible, request.slot)
        if not eligible:
            return SlotRunResult(**counts, moved=moved)
        # One candidate pool (content, counters, tiers) for the whole batch: members differ only in what
        # they have seen, their history and their features.
        decisions = await self.ranker.decide_many(
            cid,
            eligible,
            request.slot,
            Scene.BEFORE_DECISION,
            first=request.top_k,
            source="slot",
            # The inbox shows why each item was pushed: a model's contributions are computed when it is read.
            reasons=self.explain,
            contributions_at_read=True,
            pool_max_age=SLOT_POOL_SECONDS,
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
                    {
                        "content_id": ObjectId(s.content_id),
                        "score": s.score,
                        "position": s.position,
                        "sources": s.sources,
                        "reasons": s.reasons,
                    }
                    for s in decision.shown
                ],
                "created_at": now,
                "opened_at": None,
                "shared_at": None,
                "push_copy": next(
                    (a.arm_doc["push_copy"] for a in push_arms.get(member_id, []) if a.arm_doc.get("push_copy")), None
                ),
                # A member who chose e-mail gets the push as mail too (the delivery is its outbox).
                **({"mail": pending_mail(now)} if preferences.get(member_id, {}).get("by_email") else {}),
            }
            for member_id, decision in zip(eligible, decisions, strict=True)
            if decision.shown
        ]
        counts["empty"] = len(eligible) - len(docs)
        inserted = await self.store.deliveries.insert_new_deliveries(docs)
        self.recent_deliveries.add(cid, [str(d["member_id"]) for d in inserted], now)
        new = len(inserted)
        # A concurrent worker may have delivered some in between: the unique index kept each to one.
        counts["delivered"] = new
        PUSHES_DELIVERED.labels(slot=request.slot.value).inc(new)
        counts["already_delivered"] += len(docs) - new
        if self.assignment is not None:
            delivered = {str(d["member_id"]) for d in docs}
            used = {m: arms for m, arms in push_arms.items() if m in delivered}
            await self.assignment.log_exposures(cid, used, Channel.PUSH)
        return SlotRunResult(**counts, moved=moved)

    async def _push_arms(
        self, cid: ObjectId, eligible: list[str], slot: Slot
    ) -> tuple[list[str], dict[str, list[Assigned]], int]:
        """The members' push arms (copy, golden slot); a member whose arm names another golden slot is left for
        that slot's run. Returns who stays, their arms, and how many were moved."""
        if self.assignment is None:
            return eligible, {}, 0
        assigned = await self.assignment.assign(cid, eligible, Channel.PUSH)
        arms = {
            m: [a for a in found if any(x.get("push_copy") or x.get("golden_slot") for x in a.experiment["arms"])]
            for m, found in assigned.items()
        }
        arms = {m: found for m, found in arms.items() if found}
        staying = [
            m for m in eligible if all(a.arm_doc.get("golden_slot") in (None, slot.value) for a in arms.get(m, []))
        ]
        return staying, arms, len(eligible) - len(staying)

    async def inbox(self, cid: ObjectId, member_id: ObjectId, first: int) -> Inbox:
        docs = await self.store.deliveries.list_deliveries_for_member(cid, member_id, limit=first)
        pushed = [(d["decision_id"], str(i["content_id"])) for d in docs for i in d["items"] if not i.get("reasons")]
        read = await self.reasons.of_items(cid, pushed) if self.explain and pushed else {}
        return Inbox(
            deliveries=[
                DeliveryRead(
                    id=str(d["_id"]),
                    slot=d["slot"],
                    day=d["day"],
                    decision_id=str(d["decision_id"]),
                    model_version=d["model_version"],
                    items=[
                        DeliveryItem(
                            content_id=str(i["content_id"]),
                            score=i["score"],
                            position=i["position"],
                            sources=i.get("sources", []),
                            reasons=i.get("reasons") or read.get((d["decision_id"], str(i["content_id"])), {}),
                        )
                        for i in d["items"]
                    ],
                    created_at=d["created_at"],
                    opened_at=d.get("opened_at"),
                    shared_at=d.get("shared_at"),
                    push_copy=d.get("push_copy"),
                )
                for d in docs
            ]
        )

    async def slot_rates(self, cid: ObjectId) -> SlotRates:
        rows = await self.store.deliveries.aggregate_slot_rates(cid)
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
