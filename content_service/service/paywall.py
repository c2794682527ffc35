"""The paywall, the one place a piece becomes what a reader receives.

Every read of content that leaves the service (one piece, a lookup, a page, a created piece, revisions) goes
through `PaywallService.present`, which asks what the viewer holds and renders each piece with `render`, the only
builder of `ContentRead`: a piece locked for the viewer leaves with an empty body, `locked: true` and its public
preview. Writes check a requirement here too (`requirement_fields`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from billing_service.client import BillingClient
from content_service.domain.access import (
    ContentAccess,
    Requirement,
    early_access_problem,
    is_locked,
    preview_text,
    requirement_of,
    requirement_problem,
)
from content_service.schemas.access import ViewerRef
from content_service.schemas.content import ContentRead
from content_service.service.actors import Actor
from content_service.service.entitlements import EntitlementLookup
from content_service.service.settings import SettingsService
from infra.errors import BadInputError, ForbiddenError

Doc = dict[str, Any]
# What the lock decision reads of a piece, for callers that narrow the fields they load.
ACCESS_FIELDS = ["access", "plan_ids", "min_tier", "early_access_until", "author_id"]
# Who may put a piece behind the PAID wall: the community's experts and operators.
PAID_ROLES = frozenset({"EXPERT", "OPERATOR"})


def render(doc: Doc, *, locked: bool, preview_chars: int, now: datetime) -> ContentRead:
    requirement = requirement_of(doc)
    return ContentRead(
        id=str(doc["_id"]),
        community_id=str(doc["community_id"]),
        author_id=_author(doc),
        kind=doc["kind"],
        status=doc["status"],
        title=doc["title"],
        body="" if locked else doc["body"],
        tags=doc.get("tags", []),
        created_at=doc["created_at"],
        published_at=doc.get("published_at"),
        parent_id=str(doc["parent_id"]) if doc.get("parent_id") else None,
        publish_at=doc.get("publish_at"),
        media_duration_ms=doc.get("media_duration_ms"),
        paragraphs=doc.get("paragraphs", 1),
        production_cost_minor=doc.get("production_cost_minor"),
        production_cost_currency=doc.get("production_cost_currency"),
        template_id=str(doc["template_id"]) if doc.get("template_id") else None,
        credits=[str(c) for c in doc.get("credits", [])],
        review_reasons=doc.get("review_reasons", []),
        access=requirement.access,
        plan_ids=sorted(requirement.plan_ids),
        min_tier=requirement.min_tier,
        early_access_until=requirement.early_access_until,
        locked=locked,
        preview=preview_text(
            excerpt=doc.get("excerpt"), body=doc["body"], chars=preview_chars, gated=requirement.gated_at(now)
        ),
    )


def _author(doc: Doc) -> str | None:
    return str(doc["author_id"]) if doc.get("author_id") else None


class PaywallService:
    def __init__(
        self, entitlements: EntitlementLookup, settings: SettingsService, billing: BillingClient | None
    ) -> None:
        self.entitlements = entitlements
        self.settings = settings
        self.billing = billing

    async def present(
        self, community_id: ObjectId, viewer: ViewerRef, docs: list[Doc | None]
    ) -> list[ContentRead | None]:
        """Each piece as this viewer may receive it, in order (None stays None)."""
        found = [d for d in docs if d is not None]
        if not found:
            return [None for _ in docs]
        now = datetime.now(UTC)
        locked = await self.locked_ids(community_id, viewer, found, now=now)
        chars = (await self.settings.get(community_id)).preview_chars
        return [None if d is None else render(d, locked=d["_id"] in locked, preview_chars=chars, now=now) for d in docs]

    async def present_one(self, community_id: ObjectId, viewer: ViewerRef, doc: Doc) -> ContentRead:
        read = (await self.present(community_id, viewer, [doc]))[0]
        assert read is not None
        return read

    async def locked_ids(
        self, community_id: ObjectId, viewer: ViewerRef, docs: list[Doc], *, now: datetime | None = None
    ) -> set[ObjectId]:
        """The pieces among `docs` whose body this viewer may not read now. Nothing is asked of users or billing
        unless some piece is gated (or in its early-access window) and not the viewer's own; a lock is never
        decided on a kept answer."""
        now = now or datetime.now(UTC)
        gated = [
            (d["_id"], req, _author(d))
            for d in docs
            if (req := requirement_of(d)).gated_at(now) and (viewer.member_id is None or _author(d) != viewer.member_id)
        ]
        if not gated or viewer.sees_all:
            return set()
        held, kept = await self.entitlements.of(community_id, viewer)
        locked = {i for i, req, author in gated if is_locked(req, author_id=author, viewer=held, now=now)}
        if locked and kept:
            held, _ = await self.entitlements.of(community_id, viewer, fresh=True)
            locked = {i for i, req, author in gated if is_locked(req, author_id=author, viewer=held, now=now)}
        return locked

    async def is_locked_for(self, community_id: ObjectId, viewer: ViewerRef, doc: Doc) -> bool:
        return doc["_id"] in await self.locked_ids(community_id, viewer, [doc])

    # Writes --------------------------------------------------------------------------------------------------

    async def requirement_fields(
        self,
        community_id: ObjectId,
        actor: Actor,
        *,
        access: ContentAccess,
        plan_ids: list[str],
        min_tier: str | None,
    ) -> Doc:
        """The stored form of a requirement, after its checks: it makes sense (BAD_USER_INPUT), PAID comes from an
        expert or operator (FORBIDDEN), every plan is one of the community's (BAD_USER_INPUT naming planIds)."""
        requirement = Requirement(access=access, plan_ids=frozenset(plan_ids), min_tier=min_tier)
        problem = requirement_problem(requirement)
        if problem is not None:
            field, message = problem
            raise BadInputError(f"{field}: {message}", field=field)
        if access == ContentAccess.PAID and not PAID_ROLES & set(actor.roles):
            raise ForbiddenError("PAID content needs the EXPERT or OPERATOR role", field="access")
        if requirement.plan_ids:
            known = {p.id for p in await self.billing.list_plans(str(community_id))} if self.billing else set()
            unknown = sorted(requirement.plan_ids - known)
            if unknown:
                raise BadInputError(f"planIds: no plan {unknown[0]} in this community", field="planIds")
        return {"access": access.value, "plan_ids": sorted(requirement.plan_ids), "min_tier": min_tier}

    @staticmethod
    def early_access_fields(until: datetime | None, *, now: datetime | None = None) -> Doc:
        """The stored form of an early-access window, after its check (BAD_USER_INPUT naming earlyAccessUntil)."""
        if until is None:
            return {}
        problem = early_access_problem(until, now or datetime.now(UTC))
        if problem is not None:
            raise BadInputError(problem, field="earlyAccessUntil")
        return {"early_access_until": until}
