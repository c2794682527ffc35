"""The rules of a piece's life: who may publish what, review on entry, transitions, edits and revisions, and the
one finder for "load a piece and check that this viewer may see it"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from content_service.domain.access import ContentAccess, requirement_of
from content_service.domain.kinds import REQUIRED_ROLE, ContentKind, ContentStatus, may_publish, normalise_tags
from content_service.domain.lifecycle import (
    ALLOWED_FROM,
    OPERATOR_ACTIONS,
    REJECTED_REASON,
    VISIBLE_STATUSES,
    Action,
    flagged_words,
    initial_status,
    may_read,
    needs_entry_review,
    paragraph_count,
    target_status,
)
from content_service.schemas.access import ViewerRef
from content_service.schemas.content import ContentCreate, ContentRead
from content_service.schemas.production import ContentEdit, RevisionRead, Transition, TransitionResult
from content_service.service.actors import Actor, Actors
from content_service.service.events import webhook_event
from content_service.service.paywall import ACCESS_FIELDS, PaywallService
from content_service.service.settings import SettingsService
from content_service.store import ContentStore, Session
from infra.errors import BadInputError, ConflictError, ForbiddenError, NotFoundError

Doc = dict[str, Any]
# What the readability check needs of a piece when a caller narrows the fields read.
READ_CHECK_FIELDS = ["status", "author_id"]


def content_not_found(content_id: object, *, field: str = "contentId") -> NotFoundError:
    """The one not-found error of a piece: the same whether it is absent, elsewhere or not readable."""
    return NotFoundError(f"no content with id {content_id} in this community", field=field)


def author_of(doc: Doc) -> str | None:
    return str(doc["author_id"]) if doc.get("author_id") else None


class PiecesService:
    def __init__(self, store: ContentStore, actors: Actors, settings: SettingsService, paywall: PaywallService) -> None:
        self.store = store
        self.actors = actors
        self.settings = settings
        self.paywall = paywall

    # Finders -------------------------------------------------------------------------------------------------

    async def get_or_raise(
        self, community_id: ObjectId, content_id: ObjectId, *, fields: list[str] | None = None, field: str = "contentId"
    ) -> Doc:
        """The piece (any status), or NOT_FOUND naming `field` when it is not content of this community."""
        doc = await self.store.pieces.get(community_id, content_id, fields=fields)
        if doc is None:
            raise content_not_found(content_id, field=field)
        return doc

    async def get_readable(
        self, community_id: ObjectId, content_id: ObjectId, viewer_id: str | None, *, fields: list[str] | None = None
    ) -> Doc:
        """The piece, NOT_FOUND unless `viewer_id` may read it: readers see PUBLISHED and ARCHIVED pieces, the
        author and operators every status. Never FORBIDDEN, so a hidden piece's existence is not disclosed. No
        viewer means a trusted service-to-service call."""
        wanted = None if fields is None else [*fields, *READ_CHECK_FIELDS]
        doc = await self.get_or_raise(community_id, content_id, fields=wanted)
        if viewer_id is None or may_read(
            doc["status"], author_id=author_of(doc), viewer_id=viewer_id, is_operator=False
        ):
            return doc
        viewer = await self.actors.get(community_id, viewer_id)
        if may_read(doc["status"], author_id=author_of(doc), viewer_id=viewer_id, is_operator=viewer.is_operator):
            return doc
        raise content_not_found(content_id)

    async def get(self, community_id: ObjectId, content_id: ObjectId, *, viewer: ViewerRef) -> ContentRead:
        """One piece as `viewer` may receive it. Members see what `get_readable` allows them; partner keys and
        anonymous callers the published and archived pieces only; the admin key and services every status."""
        return await self.paywall.present_one(
            community_id, viewer, await self._readable_by(community_id, content_id, viewer)
        )

    async def _readable_by(
        self, community_id: ObjectId, content_id: ObjectId, viewer: ViewerRef, *, fields: list[str] | None = None
    ) -> Doc:
        if viewer.member_id is not None:
            return await self.get_readable(community_id, content_id, viewer.member_id, fields=fields)
        wanted = None if fields is None else [*fields, *READ_CHECK_FIELDS]
        doc = await self.get_or_raise(community_id, content_id, fields=wanted)
        if not viewer.sees_all and ContentStatus(doc["status"]) not in VISIBLE_STATUSES:
            raise content_not_found(content_id)
        return doc

    async def lookup(
        self, community_id: ObjectId, content_ids: list[str], *, viewer: ViewerRef, cached: bool = False
    ) -> list[ContentRead | None]:
        """Each piece as `viewer` may receive it, in order; `cached=True` may describe pieces as they were up to
        CONTENT_CARD_TTL_SECONDS ago (feed cards), the paywall's decision is always made now."""
        found = await self.store.pieces.list_content_by_ids(
            community_id, [ObjectId(i) for i in dict.fromkeys(content_ids)], kept=cached
        )
        return await self.paywall.present(community_id, viewer, [found.get(i) for i in content_ids])

    # Publishing ----------------------------------------------------------------------------------------------

    async def publish(
        self, community_id: ObjectId, content_in: ContentCreate, *, extra_fields: Doc | None = None
    ) -> ContentRead:
        author = await self.actors.get(community_id, content_in.author_id)
        if not may_publish(content_in.kind, author.roles):
            raise ForbiddenError(
                f"{content_in.kind} content needs the {REQUIRED_ROLE[content_in.kind]} role", field="kind"
            )
        reasons = await self.settings.entry_review_reasons(
            community_id, kind=content_in.kind, tier=author.tier, text=f"{content_in.title}\n{content_in.body}"
        )
        status = initial_status(
            draft=content_in.draft, needs_review=bool(reasons), publish_at=content_in.publish_at, now=datetime.now(UTC)
        )
        extra: Doc = {"paragraphs": paragraph_count(content_in.body), "review_reasons": reasons, "revision": 0}
        extra.update(
            await self.paywall.requirement_fields(
                community_id,
                author,
                access=content_in.access,
                plan_ids=content_in.plan_ids,
                min_tier=content_in.min_tier,
            )
        )
        extra.update(self.paywall.early_access_fields(content_in.early_access_until))
        if content_in.preview is not None:
            extra["excerpt"] = content_in.preview
        for key in ("publish_at", "media_duration_ms", "production_cost_minor", "production_cost_currency"):
            value = getattr(content_in, key)
            if value is not None:
                extra[key] = value
        extra.update(extra_fields or {})
        return await self._create(community_id, author.id, content_in, status=status, extra=extra)

    async def _create(
        self, community_id: ObjectId, author_id: str, content_in: ContentCreate, *, status: ContentStatus, extra: Doc
    ) -> ContentRead:
        """Insert a piece with its audit entry (and its publication event) in one transaction."""

        async def work(s: Session) -> Doc:
            doc = await self.store.pieces.create_content(
                community_id=community_id,
                author_id=ObjectId(author_id),
                kind=content_in.kind,
                title=content_in.title,
                body=content_in.body,
                tags=normalise_tags(content_in.tags),
                status=status.value,
                extra=extra,
                session=s,
            )
            events = []
            if status == ContentStatus.PUBLISHED:
                events.append(webhook_event(str(community_id), "content.published", {"contentId": str(doc["_id"])}))
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=author_id,
                action="CONTENT_CREATED",
                target_type="CONTENT",
                target_id=str(doc["_id"]),
                detail={
                    "status": status.value,
                    "kind": content_in.kind.value,
                    "reviewReasons": extra.get("review_reasons", []),
                },
                events=events,
            )
            return doc

        created = await self.store.transaction(work)
        return await self.paywall.present_one(community_id, ViewerRef.member(author_id), created)

    async def release_scheduled(self, community_id: ObjectId) -> int:
        """Publish scheduled pieces whose time has come (run on the reads that list published content:
        `candidates` and the content mix)."""
        released = 0
        for doc in await self.store.pieces.list_due_scheduled(community_id, datetime.now(UTC)):

            async def work(s: Session, doc: Doc = doc) -> Doc | None:
                changes = {"status": ContentStatus.PUBLISHED.value, "published_at": doc["publish_at"]}
                updated = await self.store.pieces.set_status(
                    community_id, doc["_id"], expected=ContentStatus.SCHEDULED.value, changes=changes, session=s
                )
                if updated is not None:
                    event = webhook_event(str(community_id), "content.published", {"contentId": str(doc["_id"])})
                    await self.store.record(
                        s,
                        community_id=community_id,
                        actor_id=None,
                        action="CONTENT_RELEASED",
                        target_type="CONTENT",
                        target_id=str(doc["_id"]),
                        events=[event],
                    )
                return updated

            released += int(await self.store.transaction(work) is not None)
        return released

    # Transitions and edits -----------------------------------------------------------------------------------

    async def transition(self, community_id: ObjectId, content_id: ObjectId, change: Transition) -> TransitionResult:
        doc = await self.get_or_raise(community_id, content_id)
        actor = await self.actors.get(community_id, change.actor_id)
        if change.action in OPERATOR_ACTIONS and not actor.is_operator:
            raise ForbiddenError(f"{change.action.value} needs the OPERATOR role", field="action")
        _require_author_or_operator(doc, actor, "only the author or an operator may change this content")
        status = ContentStatus(doc["status"])
        if status not in ALLOWED_FROM[change.action]:
            raise ConflictError(f"cannot {change.action.value} content that is {status.value}", field="action")
        now = datetime.now(UTC)
        reasons: list[str] = []
        if needs_entry_review(change.action, status, is_operator=actor.is_operator):
            reasons = await self.settings.entry_review_reasons(
                community_id, kind=ContentKind(doc["kind"]), tier=actor.tier, text=f"{doc['title']}\n{doc['body']}"
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

        async def work(s: Session) -> Doc | None:
            updated = await self.store.pieces.set_status(
                community_id, content_id, expected=status.value, changes=changes, session=s
            )
            if updated is None:
                return None
            events = []
            if target == ContentStatus.PUBLISHED:
                events.append(webhook_event(str(community_id), "content.published", {"contentId": str(content_id)}))
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=actor.id,
                action=f"CONTENT_{change.action.value}",
                target_type="CONTENT",
                target_id=str(content_id),
                detail={"from": status.value, "to": target.value, "note": change.note},
                events=events,
            )
            return updated

        if await self.store.transaction(work) is None:
            raise ConflictError("the content changed meanwhile; read it again", field="contentId")
        return TransitionResult(id=str(content_id), status=target, review_reasons=reasons)

    async def edit(self, community_id: ObjectId, content_id: ObjectId, edit: ContentEdit) -> int:
        """Apply an edit and keep the previous version as a revision; returns the new revision number."""
        doc = await self.get_or_raise(community_id, content_id)
        editor = await self.actors.get(community_id, edit.editor_id)
        _require_author_or_operator(doc, editor, "only the author or an operator may edit this content")
        changes = edit.model_dump(
            exclude_none=True,
            exclude={"editor_id", "access", "plan_ids", "min_tier", "preview", "early_access_until"},
        )
        changes.update(await self._requirement_edit(community_id, doc, editor, edit))
        if edit.preview is not None:
            changes["excerpt"] = edit.preview
        if edit.early_access_until is not None and edit.early_access_until > datetime.now(UTC):
            changes.update(self.paywall.early_access_fields(edit.early_access_until))
        elif edit.early_access_until is not None:  # a moment already past ends the window now
            changes["early_access_until"] = edit.early_access_until
        if "tags" in changes:
            changes["tags"] = normalise_tags(changes["tags"])
        if "body" in changes:
            changes["paragraphs"] = paragraph_count(changes["body"])
        if not changes:
            raise BadInputError("an edit changes at least one field", field="title")
        if not editor.is_operator:
            changes.update(await self._filter_edit(community_id, doc, changes))
        changes["updated_at"] = datetime.now(UTC)

        async def work(s: Session) -> int:
            before = await self.store.pieces.apply_edit(community_id, content_id, changes, session=s)
            assert before is not None
            number = int(before.get("revision", 0)) + 1
            await self.store.revisions.add(
                {
                    "community_id": community_id,
                    "content_id": content_id,
                    "number": number,
                    "editor_id": editor.id,
                    "title": before["title"],
                    "body": before["body"],
                    "tags": before.get("tags", []),
                    "created_at": changes["updated_at"],
                },
                session=s,
            )
            await self.store.record(
                s,
                community_id=community_id,
                actor_id=editor.id,
                action="CONTENT_EDITED",
                target_type="CONTENT",
                target_id=str(content_id),
                detail={"fields": sorted(k for k in changes if k != "updated_at"), "revision": number},
            )
            return number

        return await self.store.transaction(work)

    async def _requirement_edit(self, community_id: ObjectId, doc: Doc, editor: Actor, edit: ContentEdit) -> Doc:
        """The requirement an edit leaves, checked; nothing when the edit does not touch it. A given `access`
        replaces the whole requirement; otherwise given plans or tier change that part of it."""
        if edit.access is None and edit.plan_ids is None and edit.min_tier is None:
            return {}
        current = requirement_of(doc)
        if edit.access is not None:
            access, plan_ids, min_tier = edit.access, edit.plan_ids or [], edit.min_tier
        else:
            access = current.access
            plan_ids = edit.plan_ids if edit.plan_ids is not None else sorted(current.plan_ids)
            min_tier = edit.min_tier if edit.min_tier is not None else current.min_tier
        return await self.paywall.requirement_fields(
            community_id, editor, access=ContentAccess(access), plan_ids=plan_ids, min_tier=min_tier
        )

    async def _filter_edit(self, community_id: ObjectId, doc: Doc, changes: Doc) -> Doc:
        """A member's edit re-runs the text filter; a flagged visible piece goes back to review."""
        policy = await self.settings.review_policy(community_id)
        text = f"{changes.get('title', doc['title'])}\n{changes.get('body', doc['body'])}"
        words = flagged_words(text, policy.blocked_words)
        if not words or ContentStatus(doc["status"]) not in VISIBLE_STATUSES:
            return {}
        return {
            "status": ContentStatus.REVIEW.value,
            "review_reasons": ["the text filter flagged: " + ", ".join(words)],
        }

    async def revisions(
        self, community_id: ObjectId, content_id: ObjectId, *, viewer: ViewerRef, limit: int
    ) -> list[RevisionRead]:
        """Earlier versions; none for a reader the piece is locked for (they hold its earlier bodies)."""
        doc = await self._readable_by(community_id, content_id, viewer, fields=ACCESS_FIELDS)
        if await self.paywall.is_locked_for(community_id, viewer, doc):
            return []
        docs = await self.store.revisions.list_for_piece(community_id, content_id, limit=limit)
        return [RevisionRead.model_validate(d) for d in docs]


def _require_author_or_operator(doc: Doc, actor: Actor, message: str) -> None:
    if not actor.is_operator and author_of(doc) != actor.id:
        raise ForbiddenError(message, field="contentId")
