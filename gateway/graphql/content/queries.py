"""Content root queries: pieces, interaction, the operators' mix, audit, moderation, crisis and payouts."""

from __future__ import annotations

from typing import Annotated

import strawberry

from content_service.schemas import (
    DraftText,
)
from gateway.context import Info
from gateway.graphql.arguments import CommunityArg
from gateway.graphql.content.crisis_types import Incident, IncidentMetrics, WebhookDelivery
from gateway.graphql.content.enums import ComplaintStatus, IncidentStatus, TemplateFormat
from gateway.graphql.content.incentive_types import PendingPayout
from gateway.graphql.content.interaction_types import BulletComment, Comment, Topic, Votes
from gateway.graphql.content.moderation_types import Complaint, FlagContribution, HideExplanation
from gateway.graphql.content.template_types import (
    DraftSuggestions,
    NearDuplicate,
    TagSuggestion,
    Template,
    TemplateExport,
    TemplatePerformance,
)
from gateway.graphql.content.types import AuditEntry, Content, ContentMix, ContentSettings, Revision
from gateway.graphql.pagination import check_first
from infra.schemas import object_id


@strawberry.type
class ContentQuery:
    @strawberry.field(description="One item of the caller's community.")
    async def content(self, info: Info, id: strawberry.ID) -> Content | None:
        cid = await info.context.reader_community(None)
        object_id(str(id), field="id")
        read = await info.context.services.content.get(cid, str(id), viewer=info.context.content_viewer)
        return Content.from_read(read)


@strawberry.type
class ContentProductionQuery:
    @strawberry.field(description="Operators: the content mix over `window` days (default: the community's, 30).")
    async def content_mix(
        self,
        info: Info,
        window: int | None = None,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> ContentMix:
        cid = (await info.context.require_operator(community_id)).community_id
        return ContentMix.from_read(await info.context.services.content.content_mix(cid, window_days=window))

    @strawberry.field(description="Operators: review, mix, moderation, crisis and incentive settings in force.")
    async def content_settings(
        self, info: Info, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> ContentSettings:
        cid = (await info.context.require_operator(community_id)).community_id
        return ContentSettings.from_read(await info.context.services.content.get_content_settings(cid))

    @strawberry.field(description="Operators: who did what, newest first.")
    async def audit_log(
        self,
        info: Info,
        target_id: str | None = None,
        first: int = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[AuditEntry]:
        cid = (await info.context.require_operator(community_id)).community_id
        items = await info.context.services.content.audit(cid, target_id=target_id, limit=check_first(first))
        return [AuditEntry.from_read(e) for e in items]

    @strawberry.field(description="Earlier versions of a piece, oldest first.")
    async def content_revisions(self, info: Info, content_id: strawberry.ID, first: int = 50) -> list[Revision]:
        cid = await info.context.reader_community(None)
        items = await info.context.services.content.revisions(
            cid, str(content_id), viewer=info.context.content_viewer, limit=check_first(first)
        )
        return [
            Revision(
                number=r.number,
                editor_id=strawberry.ID(r.editor_id),
                title=r.title,
                body=r.body,
                tags=r.tags,
                created_at=r.created_at,
            )
            for r in items
        ]


@strawberry.type
class InteractionQuery:
    @strawberry.field
    async def content_votes(self, info: Info, content_id: strawberry.ID) -> Votes:
        member = await info.context.require_member()
        object_id(str(content_id), field="contentId")
        tally = await info.context.services.content.tally(
            member.community_id, str(content_id), member_id=member.id, viewer_id=member.id
        )
        return Votes.from_read(tally)

    @strawberry.field(description="Bullet comments in a position window, for overlay display.")
    async def bullet_comments(
        self,
        info: Info,
        content_id: strawberry.ID,
        paragraph_from: int | None = None,
        paragraph_to: int | None = None,
        ms_from: int | None = None,
        ms_to: int | None = None,
        first: int = 100,
    ) -> list[BulletComment]:
        member = await info.context.require_member()
        items = await info.context.services.content.list_bullets(
            member.community_id,
            str(content_id),
            paragraph_from=paragraph_from,
            paragraph_to=paragraph_to,
            ms_from=ms_from,
            ms_to=ms_to,
            limit=check_first(first),
            viewer_id=member.id,
        )
        return [BulletComment.from_read(b) for b in items]

    @strawberry.field(description="Threaded comments in order; each names its parent, thread and depth.")
    async def comments(self, info: Info, content_id: strawberry.ID, first: int = 100) -> list[Comment]:
        member = await info.context.require_member()
        items = await info.context.services.content.list_comments(
            member.community_id, str(content_id), limit=check_first(first), viewer_id=member.id
        )
        return [Comment.from_read(c) for c in items]

    @strawberry.field
    async def topic(self, info: Info, id: strawberry.ID) -> Topic:
        member = await info.context.require_member()
        object_id(str(id), field="id")
        return Topic.from_read(await info.context.services.content.get_topic(member.community_id, str(id)))


@strawberry.type
class ModerationQuery:
    @strawberry.field(description="Operators: complaints by status, oldest first.")
    async def moderation_queue(
        self,
        info: Info,
        status: ComplaintStatus | None = ComplaintStatus.OPEN,
        first: int = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[Complaint]:
        cid = (await info.context.require_operator(community_id)).community_id
        items = await info.context.services.content.moderation_queue(
            cid, status=status.value if status else None, limit=check_first(first)
        )
        return [Complaint.from_read(c) for c in items]

    @strawberry.field(description="Operators: the stored explanation of a piece's auto-hide.")
    async def hide_explanation(
        self,
        info: Info,
        content_id: strawberry.ID,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> HideExplanation:
        cid = (await info.context.require_operator(community_id)).community_id
        r = await info.context.services.content.hide_record(cid, str(content_id))
        return HideExplanation(
            content_id=strawberry.ID(r.content_id),
            hidden_at=r.hidden_at,
            threshold=r.threshold,
            total_weight=r.total_weight,
            contributions=[
                FlagContribution(
                    complaint_id=strawberry.ID(c.complaint_id),
                    member_id=strawberry.ID(c.member_id),
                    tier=c.tier,
                    weight=c.weight,
                )
                for c in r.contributions
            ],
            restored_at=r.restored_at,
        )


@strawberry.type
class CrisisQuery:
    @strawberry.field(description="Operators: incidents, newest first (status OPEN for the live ones).")
    async def incidents(
        self,
        info: Info,
        status: IncidentStatus | None = None,
        first: int = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[Incident]:
        cid = (await info.context.require_operator(community_id)).community_id
        items = await info.context.services.content.incidents(
            cid, status=status.value if status else None, limit=check_first(first)
        )
        return [Incident.from_read(i) for i in items]

    @strawberry.field(description="Operators: one incident.")
    async def incident(
        self, info: Info, id: strawberry.ID, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> Incident:
        cid = (await info.context.require_operator(community_id)).community_id
        return Incident.from_read(await info.context.services.content.incident(cid, str(id)))

    @strawberry.field(description="Operators: incidents by level, time to first response, steps on time.")
    async def incident_metrics(
        self, info: Info, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> IncidentMetrics:
        cid = (await info.context.require_operator(community_id)).community_id
        m = await info.context.services.content.incident_metrics(cid)
        return IncidentMetrics(**m.model_dump())

    @strawberry.field(
        description="Operators and webhooks:manage keys: the webhook delivery log (attempts, status codes, "
        "latency), newest first."
    )
    async def webhook_deliveries(
        self,
        info: Info,
        first: int = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
        endpoint_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this endpoint's deliveries.")
        ] = None,
    ) -> list[WebhookDelivery]:
        cid = (await info.context.require_operator(community_id)).community_id
        items = await info.context.services.content.webhook_log(
            cid, endpoint_id=str(endpoint_id) if endpoint_id else None, limit=check_first(first)
        )
        return [WebhookDelivery.from_read(d) for d in items]


@strawberry.type
class TemplateQuery:
    @strawberry.field(description="The community's library plus the platform starters.")
    async def templates(self, info: Info, first: int = 100) -> list[Template]:
        member = await info.context.require_member()
        items = await info.context.services.content.list_templates(member.community_id, limit=check_first(first))
        return [Template.from_read(t) for t in items]

    @strawberry.field
    async def template(self, info: Info, id: strawberry.ID) -> Template:
        member = await info.context.require_member()
        return Template.from_read(await info.context.services.content.get_template(member.community_id, str(id)))

    @strawberry.field(description="Usage and the engagement of the content made from a template.")
    async def template_performance(self, info: Info, id: strawberry.ID) -> TemplatePerformance:
        member = await info.context.require_member()
        p = await info.context.services.content.template_performance(member.community_id, str(id))
        return TemplatePerformance(**{**p.model_dump(), "template_id": strawberry.ID(p.template_id)})

    @strawberry.field(description="Operators: the community's library as one JSON or YAML document.")
    async def export_templates(self, info: Info, format: TemplateFormat = TemplateFormat.JSON) -> TemplateExport:
        member = (await info.context.require_operator(as_member=True)).actor
        r = await info.context.services.content.export_templates(member.community_id, format)
        return TemplateExport(format=r.format, count=r.count, document=r.document)

    @strawberry.field(description="Tag suggestions and near-duplicate warnings for a draft (TF-IDF).")
    async def draft_suggestions(self, info: Info, body: str, title: str = "") -> DraftSuggestions:
        member = await info.context.require_member()
        r = await info.context.services.content.assist_draft(member.community_id, DraftText(title=title, body=body))
        return DraftSuggestions(
            tags=[TagSuggestion(tag=t.tag, score=t.score) for t in r.tags],
            near_duplicates=[
                NearDuplicate(content_id=strawberry.ID(d.content_id), title=d.title, similarity=d.similarity)
                for d in r.near_duplicates
            ],
            threshold=r.threshold,
            corpus_size=r.corpus_size,
        )


@strawberry.type
class IncentivesQuery:
    @strawberry.field(description="Operators: awards recorded as pending payouts.")
    async def pending_payouts(
        self, info: Info, first: int = 100, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> list[PendingPayout]:
        cid = (await info.context.require_operator(community_id)).community_id
        items = await info.context.services.content.pending_payouts(cid, limit=check_first(first))
        return [
            PendingPayout(
                id=strawberry.ID(p.id),
                member_id=strawberry.ID(p.member_id),
                month=p.month,
                amount_minor=p.amount_minor,
                currency=p.currency,
                status=p.status,
                source=p.source,
                created_at=p.created_at,
            )
            for p in items
        ]
