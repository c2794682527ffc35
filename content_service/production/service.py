"""Production rules: per-community settings, review on entry, lifecycle transitions, edits and the mix monitor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from content_service.domain.flags import DEFAULT_FLAG_WEIGHTS
from content_service.domain.kinds import ContentKind, ContentStatus, normalise_tags
from content_service.domain.lifecycle import (
    ALLOWED_FROM,
    OPERATOR_ACTIONS,
    REJECTED_REASON,
    TIER_ORDER,
    VISIBLE_STATUSES,
    Action,
    ReviewPolicy,
    flagged_words,
    needs_entry_review,
    paragraph_count,
    review_reasons,
    target_status,
)
from content_service.domain.mix import KINDS, mix_report, parse_target
from content_service.domain.procedure import SEVEN_STEPS
from content_service.production.schemas import (
    AuditEntry,
    ContentEdit,
    ContentMixRead,
    ContentSettingsRead,
    ContentSettingsUpdate,
    KindShareRead,
    RevisionRead,
    Transition,
    TransitionResult,
)
from content_service.production.store import ProductionStore
from content_service.unit_of_work import UnitOfWork, webhook_event
from content_service.visibility import require_readable
from infra.errors import BadInputError, ConflictError, ForbiddenError, NotFoundError
from infra.schemas import object_id
from infra.settings import Settings
from users_service.client import UsersClient

Doc = dict[str, Any]


def defaults(settings: Settings) -> ContentSettingsRead:
    return ContentSettingsRead(
        review_required={"PGC": False, "UGC": False, "COMMERCIAL": True},
        ugc_review_below_tier=None,
        blocked_words=[],
        mix_target=parse_target(settings.content_mix_target),
        mix_margin_points=settings.content_mix_margin_points,
        mix_window_days=settings.content_mix_window_days,
        update_frequency_target=settings.content_update_frequency_target,
        flag_weights=dict(DEFAULT_FLAG_WEIGHTS),
        auto_hide_threshold=settings.auto_hide_threshold,
        complaints_per_hour=settings.crisis_complaints_per_hour,
        mention_platforms=settings.crisis_mention_platforms,
        mention_window_hours=settings.crisis_mention_window_hours,
        step_deadlines_minutes=dict(SEVEN_STEPS),
        bullet_comments_per_minute=settings.bullet_comments_per_minute,
        complaints_per_member_per_hour=settings.complaints_per_member_per_hour,
        content_star_winners=settings.content_star_winners,
        content_star_budget_minor=settings.content_star_budget_minor,
        exposure_boost_percent=settings.exposure_boost_percent,
        exposure_boost_days=settings.exposure_boost_days,
    )


class ProductionService:
    def __init__(self, store: ProductionStore, uow: UnitOfWork, users: UsersClient, settings: Settings) -> None:
        self.store = store
        self.uow = uow
        self.users = users
        self.defaults = defaults(settings)

    async def get_settings(self, community_id: str) -> ContentSettingsRead:
        stored = await self.store.get_settings(object_id(community_id, field="communityId"))
        merged = self.defaults.model_dump()
        for key, value in stored.items():
            if key in merged and value is not None:
                merged[key] = {**merged[key], **value} if isinstance(merged[key], dict) else value
        return ContentSettingsRead.model_validate(merged)

    async def update_settings(self, community_id: str, update: ContentSettingsUpdate) -> ContentSettingsRead:
        await self._require_operator(community_id, update.actor_id)
        changes = update.model_dump(exclude_none=True, exclude={"actor_id"})
        _check_settings(changes)
        cid = object_id(community_id, field="communityId")
        current = await self.get_settings(community_id)
        if "mix_target" in changes:
            target = {**current.mix_target, **changes["mix_target"]}
            if abs(sum(target.values()) - 100.0) > 1e-6:
                raise BadInputError("mixTarget: the shares must add up to 100", field="mixTarget")

        async def work(s: AsyncClientSession) -> None:
            await self.store.update_settings(cid, changes, session=s)
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=update.actor_id,
                action="SETTINGS_UPDATED",
                target_type="COMMUNITY",
                target_id=community_id,
                detail={"changed": sorted(changes)},
            )

        await self.uow.run(work)
        return await self.get_settings(community_id)

    async def review_policy(self, community_id: str) -> ReviewPolicy:
        s = await self.get_settings(community_id)
        return ReviewPolicy(s.review_required, s.ugc_review_below_tier, tuple(s.blocked_words))

    async def entry_review_reasons(self, community_id: str, *, kind: ContentKind, tier: str, text: str) -> list[str]:
        return review_reasons(await self.review_policy(community_id), kind=kind, author_tier=tier, text=text)

    async def transition(self, community_id: str, content_id: str, change: Transition) -> TransitionResult:
        cid = object_id(community_id, field="communityId")
        oid = object_id(content_id, field="contentId")
        doc = await self._content_or_raise(cid, oid, content_id)
        actor = await self.users.get_member(community_id, change.actor_id)
        is_operator = "OPERATOR" in actor.roles
        if change.action in OPERATOR_ACTIONS and not is_operator:
            raise ForbiddenError(f"{change.action.value} needs the OPERATOR role", field="action")
        if not is_operator and str(doc.get("author_id")) != actor.id:
            raise ForbiddenError("only the author or an operator may change this content", field="contentId")
        status = ContentStatus(doc["status"])
        if status not in ALLOWED_FROM[change.action]:
            raise ConflictError(f"cannot {change.action.value} content that is {status.value}", field="action")
        now = datetime.now(UTC)
        reasons: list[str] = []
        if needs_entry_review(change.action, status, is_operator=is_operator):
            reasons = await self.entry_review_reasons(
                community_id,
                kind=ContentKind(doc["kind"]),
                tier=actor.tier.value,
                text=f"{doc['title']}\n{doc['body']}",
            )
            if doc.get("rejected"):
                reasons.append(REJECTED_REASON)
        target = target_status(change.action, publish_at=change.publish_at, now=now, needs_review=bool(reasons))
        changes: Doc = {"status": target.value, "updated_at": now, "review_reasons": reasons}
        if change.action in (Action.REJECT, Action.APPROVE):
            changes["rejected"] = change.action == Action.REJECT
        if change.publish_at:
            changes["publish_at"] = change.publish_at
        if target == ContentStatus.PUBLISHED and not doc.get("published_at"):
            changes["published_at"] = now

        async def work(s: AsyncClientSession) -> Doc | None:
            updated = await self.store.set_status(cid, oid, expected=status.value, changes=changes, session=s)
            if updated is None:
                return None
            events = []
            if target == ContentStatus.PUBLISHED:
                events.append(webhook_event(community_id, "content.published", {"contentId": content_id}))
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=actor.id,
                action=f"CONTENT_{change.action.value}",
                target_type="CONTENT",
                target_id=content_id,
                detail={"from": status.value, "to": target.value, "note": change.note},
                events=events,
            )
            return updated

        if await self.uow.run(work) is None:
            raise ConflictError("the content changed meanwhile; read it again", field="contentId")
        return TransitionResult(id=content_id, status=target, review_reasons=reasons)

    async def edit(self, community_id: str, content_id: str, edit: ContentEdit) -> int:
        """Apply an edit and keep the previous version as a revision; returns the new revision number."""
        cid = object_id(community_id, field="communityId")
        oid = object_id(content_id, field="contentId")
        doc = await self._content_or_raise(cid, oid, content_id)
        editor = await self.users.get_member(community_id, edit.editor_id)
        if "OPERATOR" not in editor.roles and str(doc.get("author_id")) != editor.id:
            raise ForbiddenError("only the author or an operator may edit this content", field="contentId")
        changes = edit.model_dump(exclude_none=True, exclude={"editor_id"})
        if "tags" in changes:
            changes["tags"] = normalise_tags(changes["tags"])
        if "body" in changes:
            changes["paragraphs"] = paragraph_count(changes["body"])
        if not changes:
            raise BadInputError("an edit changes at least one field", field="title")
        if "OPERATOR" not in editor.roles:
            changes.update(await self._filter_edit(community_id, doc, changes))
        changes["updated_at"] = datetime.now(UTC)

        async def work(s: AsyncClientSession) -> int:
            before = await self.store.apply_edit(cid, oid, changes, session=s)
            assert before is not None
            number = int(before.get("revision", 0)) + 1
            await self.store.add_revision(
                {
                    "community_id": cid,
                    "content_id": oid,
                    "number": number,
                    "editor_id": editor.id,
                    "title": before["title"],
                    "body": before["body"],
                    "tags": before.get("tags", []),
                    "created_at": changes["updated_at"],
                },
                session=s,
            )
            await self.uow.record(
                s,
                community_id=cid,
                actor_id=editor.id,
                action="CONTENT_EDITED",
                target_type="CONTENT",
                target_id=content_id,
                detail={"fields": sorted(k for k in changes if k != "updated_at"), "revision": number},
            )
            return number

        return await self.uow.run(work)

    async def _filter_edit(self, community_id: str, doc: Doc, changes: Doc) -> Doc:
        """A member's edit re-runs the text filter; a flagged visible piece goes back to review."""
        policy = await self.review_policy(community_id)
        text = f"{changes.get('title', doc['title'])}\n{changes.get('body', doc['body'])}"
        words = flagged_words(text, policy.blocked_words)
        if not words or ContentStatus(doc["status"]) not in VISIBLE_STATUSES:
            return {}
        return {
            "status": ContentStatus.REVIEW.value,
            "review_reasons": ["the text filter flagged: " + ", ".join(words)],
        }

    async def revisions(
        self, community_id: str, content_id: str, *, viewer_id: str | None = None, limit: int = 100
    ) -> list[RevisionRead]:
        cid = object_id(community_id, field="communityId")
        oid = object_id(content_id, field="contentId")
        doc = await self._content_or_raise(cid, oid, content_id)
        await require_readable(
            self.users,
            community_id,
            content_id=content_id,
            status=doc["status"],
            author_id=str(doc["author_id"]) if doc.get("author_id") else None,
            viewer_id=viewer_id,
        )
        docs = await self.store.list_revisions(cid, oid, limit=limit)
        return [RevisionRead.model_validate(d) for d in docs]

    async def audit(self, community_id: str, *, target_id: str | None, limit: int) -> list[AuditEntry]:
        docs = await self.store.list_audit(
            object_id(community_id, field="communityId"), target_id=target_id, limit=limit
        )
        return [
            AuditEntry(
                at=d["at"],
                actor_id=d.get("actor_id"),
                action=d["action"],
                target_type=d["target_type"],
                target_id=d["target_id"],
                detail=d.get("detail", {}),
            )
            for d in docs
        ]

    async def release_scheduled(self, community_id: str) -> int:
        """Publish scheduled pieces whose time has come (run on the reads that list published content:
        `candidates` and the content mix)."""
        cid = object_id(community_id, field="communityId")
        now = datetime.now(UTC)
        released = 0
        for doc in await self.store.list_due_scheduled(cid, now):

            async def work(s: AsyncClientSession, doc: Doc = doc) -> Doc | None:
                changes = {"status": ContentStatus.PUBLISHED.value, "published_at": doc["publish_at"]}
                updated = await self.store.set_status(
                    cid, doc["_id"], expected=ContentStatus.SCHEDULED.value, changes=changes, session=s
                )
                if updated is not None:
                    event = webhook_event(community_id, "content.published", {"contentId": str(doc["_id"])})
                    await self.uow.record(
                        s,
                        community_id=cid,
                        actor_id=None,
                        action="CONTENT_RELEASED",
                        target_type="CONTENT",
                        target_id=str(doc["_id"]),
                        events=[event],
                    )
                return updated

            released += int(await self.uow.run(work) is not None)
        return released

    async def mix(self, community_id: str, *, window_days: int | None) -> ContentMixRead:
        if window_days is not None and not 1 <= window_days <= 366:
            raise BadInputError("window must be between 1 and 366 days", field="window")
        await self.release_scheduled(community_id)
        s = await self.get_settings(community_id)
        days = window_days or s.mix_window_days
        now = datetime.now(UTC)
        counts = await self.store.count_published_by_kind(
            object_id(community_id, field="communityId"), now - timedelta(days=days), now
        )
        report = mix_report(
            counts,
            target=s.mix_target,
            margin_points=s.mix_margin_points,
            window_days=days,
            frequency_target=s.update_frequency_target,
        )
        return ContentMixRead(
            window_days=report.window_days,
            total=report.total,
            shares=[KindShareRead.model_validate(share.__dict__) for share in report.shares],
            margin_points=report.margin_points,
            alert=report.alert,
            pieces_per_week=report.pieces_per_week,
            pieces_per_week_target=report.pieces_per_week_target,
            frequency_alert=report.frequency_alert,
            computed_at=now,
        )

    async def _content_or_raise(self, cid: ObjectId, oid: ObjectId, content_id: str) -> Doc:
        doc = await self.store.get_content_doc(cid, oid)
        if doc is None:
            raise NotFoundError(f"no content with id {content_id} in this community", field="contentId")
        return doc

    async def _require_operator(self, community_id: str, actor_id: str) -> None:
        actor = await self.users.get_member(community_id, actor_id)
        if "OPERATOR" not in actor.roles:
            raise ForbiddenError("this needs the OPERATOR role")


def _check_settings(changes: Doc) -> None:
    tier = changes.get("ugc_review_below_tier")
    if tier is not None and tier not in TIER_ORDER:
        raise BadInputError(f"ugcReviewBelowTier: unknown tier {tier}", field="ugcReviewBelowTier")
    for key in ("mix_target", "review_required"):
        unknown = set(changes.get(key, {})) - set(KINDS)
        if unknown:
            raise BadInputError(f"{key}: unknown kind {sorted(unknown)[0]}", field=key)
    unknown_tiers = set(changes.get("flag_weights", {})) - set(TIER_ORDER)
    if unknown_tiers:
        raise BadInputError(f"flagWeights: unknown tier {sorted(unknown_tiers)[0]}", field="flagWeights")
    unknown_steps = (
        set(changes.get("step_deadlines_minutes", {})) - set(SEVEN_STEPS) - {"RESPONSE_TEAM_NOTIFIED", "LEGAL_COUNSEL"}
    )
    if unknown_steps:
        raise BadInputError(
            f"stepDeadlinesMinutes: unknown step {sorted(unknown_steps)[0]}", field="stepDeadlinesMinutes"
        )
