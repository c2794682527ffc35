"""Moderation rules: complaints on content, members or the service; weighted auto-hide; the queue's actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from content_service.domain.flags import Flag, HideDecision, decide_hide
from content_service.schemas.moderation import (
    ComplaintCategory,
    ComplaintCreate,
    ComplaintRead,
    ComplaintStatus,
    FlagContribution,
    HideRecordRead,
    ModerationAction,
    ModerationDecision,
    TargetType,
)
from content_service.service.actors import Actors
from content_service.service.crisis import CrisisService
from content_service.service.events import webhook_event
from content_service.service.pieces import PiecesService
from content_service.service.settings import SettingsService
from content_service.store import ContentStore, Session
from infra.errors import BadInputError, ConflictError, NotFoundError, RateLimitedError
from infra.schemas import object_id

Doc = dict[str, Any]


def complaint_not_found(complaint_id: object) -> NotFoundError:
    return NotFoundError(f"no complaint with id {complaint_id} in this community", field="complaintId")


def complaint_read(doc: Doc) -> ComplaintRead:
    return ComplaintRead(
        id=str(doc["_id"]),
        member_id=str(doc["member_id"]),
        target_type=doc["target_type"],
        target_id=doc.get("target_id"),
        category=doc["category"],
        text=doc["text"],
        status=doc["status"],
        weight=doc.get("weight", 1.0),
        created_at=doc["created_at"],
        resolved_at=doc.get("resolved_at"),
        resolution_note=doc.get("resolution_note"),
        content_hidden=bool(doc.get("content_hidden")),
        incident_id=doc.get("incident_id"),
    )


class ModerationService:
    def __init__(
        self,
        store: ContentStore,
        actors: Actors,
        pieces: PiecesService,
        settings: SettingsService,
        crisis: CrisisService,
    ) -> None:
        self.store = store
        self.actors = actors
        self.pieces = pieces
        self.settings = settings
        self.crisis = crisis

    async def file(self, community_id: ObjectId, complaint_in: ComplaintCreate) -> ComplaintRead:
        filer = await self.actors.get(community_id, complaint_in.member_id)
        target_id = await self._check_target(community_id, complaint_in)
        settings = await self.settings.get(community_id)
        now = datetime.now(UTC)
        limit = settings.complaints_per_member_per_hour
        since = now - timedelta(hours=1)
        if await self.store.moderation.count_recent_complaints_by(community_id, ObjectId(filer.id), since) >= limit:
            raise RateLimitedError(f"at most {limit} complaints an hour; try again later", field="targetId")
        doc = await self.store.moderation.insert_complaint(
            {
                "community_id": community_id,
                "member_id": ObjectId(filer.id),
                "tier": filer.tier,
                "target_type": complaint_in.target_type.value,
                "target_id": target_id,
                "category": complaint_in.category.value,
                "text": complaint_in.text,
                "status": ComplaintStatus.OPEN.value,
                "weight": settings.flag_weights.get(filer.tier, 1.0),
                "created_at": now,
                "resolved_at": None,
                "resolution_note": None,
                "content_hidden": False,
                "incident_id": None,
            }
        )
        if complaint_in.target_type == TargetType.CONTENT and target_id:
            decision = await self._auto_hide(
                community_id, target_id, settings.flag_weights, settings.auto_hide_threshold
            )
            if decision is not None and decision.hide:
                # Stored as answered: the queue and every later read say which complaint hid the content.
                await self.store.moderation.set_content_hidden(community_id, doc["_id"])
                doc["content_hidden"] = True
        # Detection runs on every complaint, not on a timer.
        incident_id = await self.crisis.on_complaint(
            community_id,
            legal=complaint_in.category == ComplaintCategory.LEGAL,
            at=now,
            threshold=settings.complaints_per_hour,
        )
        if incident_id:
            await self.store.moderation.set_incident(community_id, doc["_id"], incident_id)
            doc["incident_id"] = incident_id
        return complaint_read(doc)

    async def _check_target(self, community_id: ObjectId, complaint_in: ComplaintCreate) -> str | None:
        target = complaint_in.target_id
        if complaint_in.target_type == TargetType.SERVICE:
            return target or None
        if not target:
            raise BadInputError(f"targetId is required for {complaint_in.target_type.value}", field="targetId")
        oid = object_id(target, field="targetId")
        if complaint_in.target_type == TargetType.CONTENT:
            # Hidden content is accepted too: complaints keep coming while it is reviewed.
            await self.pieces.get_or_raise(community_id, oid, fields=["status"], field="targetId")
        else:
            await self.actors.get(community_id, str(oid))
        return str(oid)

    async def _auto_hide(
        self, community_id: ObjectId, target_id: str, weights: dict[str, float], threshold: float
    ) -> HideDecision | None:
        flags = [
            Flag(str(d["_id"]), str(d["member_id"]), d.get("tier", "NEW"))
            for d in await self.store.moderation.list_open_flags(community_id, target_id)
        ]
        decision = decide_hide(flags, weights=weights, threshold=threshold)
        if not decision.hide:
            return decision
        now = datetime.now(UTC)
        content_id = ObjectId(target_id)

        async def work(s: Session) -> bool:
            before = await self.store.pieces.hide(community_id, content_id, at=now, session=s)
            if before is None:
                return False
            record = {
                "community_id": community_id,
                "content_id": content_id,
                "hidden_at": now,
                "threshold": decision.threshold,
                "total_weight": decision.total,
                "contributions": [c.__dict__ for c in decision.contributions],
                "restored_at": None,
            }
            await self.store.moderation.insert_hide(record, session=s)
            hidden = {"contentId": target_id, "total": decision.total}
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=None,
                action="CONTENT_AUTO_HIDDEN",
                target_type="CONTENT",
                target_id=target_id,
                detail={"threshold": decision.threshold, "total": decision.total, "from": before["status"]},
                events=[webhook_event(str(community_id), "content.hidden", hidden)],
            )
            return True

        await self.store.transaction(work)
        return decision

    async def queue(self, community_id: ObjectId, *, status: str | None, limit: int) -> list[ComplaintRead]:
        if status and status not in ComplaintStatus.__members__:
            raise BadInputError(f"unknown status {status}", field="status")
        docs = await self.store.moderation.list_queue(community_id, status=status, limit=limit)
        return [complaint_read(d) for d in docs]

    async def decide(
        self, community_id: ObjectId, complaint_id: ObjectId, decision: ModerationDecision
    ) -> ComplaintRead:
        """Operators only (checked by the gateway): uphold (content is hidden) or dismiss."""
        doc = await self.store.moderation.get_complaint(community_id, complaint_id)
        if doc is None:
            raise complaint_not_found(complaint_id)
        actor_id = decision.actor_id
        now = datetime.now(UTC)
        status = ComplaintStatus.UPHELD if decision.action == ModerationAction.UPHOLD else ComplaintStatus.DISMISSED
        changes = {
            "status": status.value,
            "resolved_at": now,
            "resolution_note": decision.note,
            "resolved_by": actor_id,
        }
        is_content = doc["target_type"] == TargetType.CONTENT.value and doc.get("target_id")

        async def work(s: Session) -> Doc:
            updated = await self.store.moderation.resolve_complaint(community_id, complaint_id, changes, session=s)
            if updated is None:
                raise ConflictError("the complaint was already decided", field="complaintId")
            if is_content and status == ComplaintStatus.UPHELD:
                await self._moderator_hide(community_id, doc["target_id"], actor_id, now, session=s)
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=actor_id,
                action=f"COMPLAINT_{status.value}",
                target_type="COMPLAINT",
                target_id=str(complaint_id),
                detail={"note": decision.note, "target": doc.get("target_id")},
            )
            return updated

        updated = await self.store.transaction(work)
        if is_content and status == ComplaintStatus.DISMISSED:
            await self._restore_if_unflagged(community_id, doc["target_id"], actor_id)
        return complaint_read(updated)

    async def _moderator_hide(
        self, community_id: ObjectId, target_id: str, actor_id: str, now: datetime, *, session: Session
    ) -> None:
        """Hide (if not hidden yet) and always record that a moderator did, so flags never restore it."""
        content_id = ObjectId(target_id)
        await self.store.pieces.hide(community_id, content_id, at=now, session=session)
        await self.store.moderation.insert_hide(
            {
                "community_id": community_id,
                "content_id": content_id,
                "hidden_at": now,
                "source": "MODERATOR",
                "moderator_id": actor_id,
                "threshold": 0.0,
                "total_weight": 0.0,
                "contributions": [],
                "restored_at": None,
            },
            session=session,
        )

    async def _restore_if_unflagged(self, community_id: ObjectId, target_id: str, actor_id: str) -> None:
        settings = await self.settings.get(community_id)
        moderation = self.store.moderation
        flags = [
            Flag(str(d["_id"]), str(d["member_id"]), d.get("tier", "NEW"))
            for d in await moderation.list_open_flags(community_id, target_id)
        ]
        if decide_hide(flags, weights=settings.flag_weights, threshold=settings.auto_hide_threshold).hide:
            return
        if await moderation.has_upheld(community_id, target_id):
            return  # a moderator upheld a complaint about it: only a moderator restores it
        content_id = ObjectId(target_id)
        hide = await moderation.get_hide(community_id, content_id)
        if hide is None or hide.get("restored_at") is not None or hide.get("source") == "MODERATOR":
            return  # hidden by a moderator, not by flags: only a moderator restores it
        now = datetime.now(UTC)

        async def work(s: Session) -> None:
            if await self.store.pieces.restore(community_id, content_id, session=s) is not None:
                await moderation.mark_hide_restored(community_id, content_id, now, session=s)
                await self.store.record(
                    s,
                    community_id=community_id,
                    actor_id=actor_id,
                    action="CONTENT_RESTORED",
                    target_type="CONTENT",
                    target_id=target_id,
                )

        await self.store.transaction(work)

    async def hide_record(self, community_id: ObjectId, content_id: ObjectId) -> HideRecordRead:
        doc = await self.store.moderation.get_hide(community_id, content_id, auto_only=True)
        if doc is None:
            raise NotFoundError(f"content {content_id} was never auto-hidden", field="contentId")
        return HideRecordRead(
            content_id=str(content_id),
            hidden_at=doc["hidden_at"],
            threshold=doc["threshold"],
            total_weight=doc["total_weight"],
            contributions=[FlagContribution.model_validate(c) for c in doc["contributions"]],
            restored_at=doc.get("restored_at"),
        )
