"""Moderation rules: complaints on content, members or the service; weighted auto-hide; the queue's actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from content_service.crisis.service import CrisisService
from content_service.domain.flags import Flag, HideDecision, decide_hide
from content_service.moderation.schemas import (
    ComplaintCategory,
    ComplaintCreate,
    ComplaintRead,
    ComplaintStatus,
    ContributionRead,
    HideRecordRead,
    ModerationAction,
    ModerationDecision,
    TargetType,
)
from content_service.moderation.store import ModerationStore
from content_service.production.service import ProductionService
from content_service.unit_of_work import UnitOfWork, webhook_event
from infra.errors import BadInputError, ConflictError, ForbiddenError, NotFoundError, RateLimitedError
from infra.schemas import object_id
from users_service.client import UsersClient

Doc = dict[str, Any]


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
        store: ModerationStore,
        uow: UnitOfWork,
        users: UsersClient,
        production: ProductionService,
        crisis: CrisisService,
    ) -> None:
        self.store = store
        self.uow = uow
        self.users = users
        self.production = production
        self.crisis = crisis

    async def file(self, community_id: str, complaint_in: ComplaintCreate) -> ComplaintRead:
        cid = object_id(community_id, field="communityId")
        filer = await self.users.get_member(community_id, complaint_in.member_id)
        target_id = await self._check_target(community_id, cid, complaint_in)
        settings = await self.production.get_settings(community_id)
        now = datetime.now(UTC)
        limit = settings.complaints_per_member_per_hour
        if await self.store.count_recent_complaints_by(cid, ObjectId(filer.id), now - timedelta(hours=1)) >= limit:
            raise RateLimitedError(f"at most {limit} complaints an hour; try again later", field="targetId")
        doc = await self.store.insert_complaint(
            {
                "community_id": cid,
                "member_id": ObjectId(filer.id),
                "tier": filer.tier.value,
                "target_type": complaint_in.target_type.value,
                "target_id": target_id,
                "category": complaint_in.category.value,
                "text": complaint_in.text,
                "status": ComplaintStatus.OPEN.value,
                "weight": settings.flag_weights.get(filer.tier.value, 1.0),
                "created_at": now,
                "resolved_at": None,
                "resolution_note": None,
                "content_hidden": False,
                "incident_id": None,
            }
        )
        if complaint_in.target_type == TargetType.CONTENT and target_id:
            decision = await self._auto_hide(
                community_id, cid, target_id, settings.flag_weights, settings.auto_hide_threshold
            )
            doc["content_hidden"] = bool(decision and decision.hide)
        # Detection runs on every complaint, not on a timer.
        incident_id = await self.crisis.on_complaint(
            community_id,
            legal=complaint_in.category == ComplaintCategory.LEGAL,
            at=now,
            threshold=settings.complaints_per_hour,
        )
        if incident_id:
            await self.store.set_incident(cid, doc["_id"], incident_id)
            doc["incident_id"] = incident_id
        return complaint_read(doc)

    async def _check_target(self, community_id: str, cid: ObjectId, complaint_in: ComplaintCreate) -> str | None:
        target = complaint_in.target_id
        if complaint_in.target_type == TargetType.SERVICE:
            return target or None
        if not target:
            raise BadInputError(f"targetId is required for {complaint_in.target_type.value}", field="targetId")
        oid = object_id(target, field="targetId")
        if complaint_in.target_type == TargetType.CONTENT:
            # Hidden content is accepted too: complaints keep coming while it is reviewed.
            if await self.store.get_content_doc(cid, oid) is None:
                raise NotFoundError(f"no content with id {target} in this community", field="targetId")
        else:
            await self.users.get_member(community_id, str(oid))
        return str(oid)

    async def _auto_hide(
        self, community_id: str, cid: ObjectId, target_id: str, weights: dict[str, float], threshold: float
    ) -> HideDecision | None:
        flags = [
            Flag(str(d["_id"]), str(d["member_id"]), d.get("tier", "NEW"))
            for d in await self.store.list_open_flags(cid, target_id)
        ]
        decision = decide_hide(flags, weights=weights, threshold=threshold)
        if not decision.hide:
            return decision
        now = datetime.now(UTC)
        content_id = ObjectId(target_id)

        async def work(s: AsyncClientSession) -> bool:
            before = await self.store.hide_content(cid, content_id, at=now, session=s)
            if before is None:
                return False
            record = {
                "community_id": cid,
                "content_id": content_id,
                "hidden_at": now,
                "threshold": decision.threshold,
                "total_weight": decision.total,
                "contributions": [c.__dict__ for c in decision.contributions],
                "restored_at": None,
            }
            await self.store.insert_hide(record, session=s)
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=None,
                action="CONTENT_AUTO_HIDDEN",
                target_type="CONTENT",
                target_id=target_id,
                detail={"threshold": decision.threshold, "total": decision.total, "from": before["status"]},
                events=[
                    webhook_event(community_id, "content.hidden", {"contentId": target_id, "total": decision.total})
                ],
            )
            return True

        await self.uow.run(work)
        return decision

    async def queue(self, community_id: str, *, status: str | None, limit: int) -> list[ComplaintRead]:
        if status and status not in ComplaintStatus.__members__:
            raise BadInputError(f"unknown status {status}", field="status")
        cid = object_id(community_id, field="communityId")
        return [complaint_read(d) for d in await self.store.list_queue(cid, status=status, limit=limit)]

    async def decide(self, community_id: str, complaint_id: str, decision: ModerationDecision) -> ComplaintRead:
        cid = object_id(community_id, field="communityId")
        actor = await self.users.get_member(community_id, decision.actor_id)
        if "OPERATOR" not in actor.roles:
            raise ForbiddenError("moderation needs the OPERATOR role")
        oid = object_id(complaint_id, field="complaintId")
        doc = await self.store.get_complaint(cid, oid)
        if doc is None:
            raise NotFoundError(f"no complaint with id {complaint_id} in this community", field="complaintId")
        now = datetime.now(UTC)
        status = ComplaintStatus.UPHELD if decision.action == ModerationAction.UPHOLD else ComplaintStatus.DISMISSED
        changes = {
            "status": status.value,
            "resolved_at": now,
            "resolution_note": decision.note,
            "resolved_by": actor.id,
        }
        is_content = doc["target_type"] == TargetType.CONTENT.value and doc.get("target_id")

        async def work(s: AsyncClientSession) -> Doc:
            updated = await self.store.resolve_complaint(cid, oid, changes, session=s)
            if updated is None:
                raise ConflictError("the complaint was already decided", field="complaintId")
            if is_content and status == ComplaintStatus.UPHELD:
                await self._moderator_hide(cid, doc["target_id"], actor.id, now, session=s)
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=actor.id,
                action=f"COMPLAINT_{status.value}",
                target_type="COMPLAINT",
                target_id=complaint_id,
                detail={"note": decision.note, "target": doc.get("target_id")},
            )
            return updated

        updated = await self.uow.run(work)
        if is_content and status == ComplaintStatus.DISMISSED:
            await self._restore_if_unflagged(community_id, cid, doc["target_id"], actor.id)
        return complaint_read(updated)

    async def _moderator_hide(
        self, cid: ObjectId, target_id: str, actor_id: str, now: datetime, *, session: AsyncClientSession
    ) -> None:
        """Hide (if not hidden yet) and always record that a moderator did, so flags never restore it."""
        content_id = ObjectId(target_id)
        await self.store.hide_content(cid, content_id, at=now, session=session)
        await self.store.insert_hide(
            {
                "community_id": cid,
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

    async def _restore_if_unflagged(self, community_id: str, cid: ObjectId, target_id: str, actor_id: str) -> None:
        settings = await self.production.get_settings(community_id)
        flags = [
            Flag(str(d["_id"]), str(d["member_id"]), d.get("tier", "NEW"))
            for d in await self.store.list_open_flags(cid, target_id)
        ]
        if decide_hide(flags, weights=settings.flag_weights, threshold=settings.auto_hide_threshold).hide:
            return
        if await self.store.has_upheld(cid, target_id):
            return  # a moderator upheld a complaint about it: only a moderator restores it
        hide = await self.store.get_hide(cid, ObjectId(target_id))
        if hide is None or hide.get("restored_at") is not None or hide.get("source") == "MODERATOR":
            return  # hidden by a moderator, not by flags: only a moderator restores it
        now = datetime.now(UTC)

        async def work(s: AsyncClientSession) -> None:
            if await self.store.restore_content(cid, ObjectId(target_id), session=s) is not None:
                await self.store.mark_hide_restored(cid, ObjectId(target_id), now, session=s)
                await self.uow.record(
                    s,
                    community_id=cid,
                    actor_id=actor_id,
                    action="CONTENT_RESTORED",
                    target_type="CONTENT",
                    target_id=target_id,
                )

        await self.uow.run(work)

    async def hide_record(self, community_id: str, content_id: str) -> HideRecordRead:
        cid = object_id(community_id, field="communityId")
        doc = await self.store.get_hide(cid, object_id(content_id, field="contentId"), auto_only=True)
        if doc is None:
            raise NotFoundError(f"content {content_id} was never auto-hidden", field="contentId")
        return HideRecordRead(
            content_id=content_id,
            hidden_at=doc["hidden_at"],
            threshold=doc["threshold"],
            total_weight=doc["total_weight"],
            contributions=[ContributionRead.model_validate(c) for c in doc["contributions"]],
            restored_at=doc.get("restored_at"),
        )
