"""Content mutations: production, interaction, moderation, crisis, templates and incentives."""

from __future__ import annotations

import re
from typing import Any

import strawberry

from content_service.schemas import (
    BoostGrant,
    BulletCreate,
    CommentCreate,
    ComplaintCreate,
    ContentCreate,
    ContentEdit,
    ContentFromTemplate,
    ContentSettingsUpdate,
    ContentStarRun,
    ContributionCreate,
    FieldValue,
    IncidentResolve,
    MentionCreate,
    ModerationDecision,
    ReplayRequest,
    ShareCreate,
    StepUpdate,
    TemplateImport,
    TemplateSave,
    TemplateSpec,
    TopicCreate,
    TopicMerge,
    Transition,
    VoteCast,
    WebhookConfig,
)
from gateway.context import Info
from gateway.graphql.content.crisis_types import Incident, Mention, Webhook, WebhookDelivery
from gateway.graphql.content.incentive_types import ContentStarAward, ContentStarResult, ExposureBoost
from gateway.graphql.content.inputs import (
    AddBulletCommentInput,
    AddCommentInput,
    ConfigureWebhookInput,
    ContributeToTopicInput,
    CreateContentFromTemplateInput,
    CreateContentInput,
    DecideComplaintInput,
    EditContentInput,
    FileComplaintInput,
    GrantExposureBoostInput,
    ImportTemplatesInput,
    MergeTopicInput,
    OpenTopicInput,
    PublishContentInput,
    ReplayWebhookDeliveryInput,
    ReportMentionInput,
    ResolveIncidentInput,
    RunContentStarInput,
    SaveTemplateInput,
    ShareContentInput,
    TransitionContentInput,
    UpdateContentSettingsInput,
    UpdateIncidentStepInput,
    VoteContentInput,
    VoteContributionInput,
)
from gateway.graphql.content.interaction_types import BulletComment, Comment, Contribution, ShareResult, Topic, Votes
from gateway.graphql.content.moderation_types import Complaint
from gateway.graphql.content.template_types import Template, TemplateImportReport
from gateway.graphql.content.types import Content, ContentSettings, ContentTransitionPayload, EditContentPayload
from gateway.graphql.money import cents
from infra.errors import BadInputError
from infra.schemas import object_id


def paywall_fields(
    input: PublishContentInput | CreateContentInput | EditContentInput,
) -> dict[str, Any]:
    """The paywall part of a content input, as given (content_service checks it and writes nothing on refusal)."""
    fields: dict[str, Any] = {
        "access": input.access.value if input.access else None,
        "plan_ids": [str(p) for p in input.plan_ids] if input.plan_ids is not None else None,
        "min_tier": input.min_tier.value if input.min_tier else None,
        "preview": input.preview,
        "early_access_until": input.early_access_until,
    }
    return {k: v for k, v in fields.items() if v is not None}


@strawberry.type
class ContentMutation:
    @strawberry.mutation(description="PGC needs the EXPERT role, COMMERCIAL the OPERATOR role; UGC any member.")
    async def publish_content(self, info: Info, input: PublishContentInput) -> Content:
        member = await info.context.require_member()
        content_in = ContentCreate(
            author_id=member.id,
            title=input.title,
            body=input.body,
            kind=input.kind.value,
            tags=input.tags,
            **paywall_fields(input),
        )
        return Content.from_read(await info.context.services.content.publish(member.community_id, content_in))


@strawberry.type
class ContentProductionMutation:
    @strawberry.mutation(description="Create a piece: it publishes, waits for review, is scheduled or stays a draft.")
    async def create_content(self, info: Info, input: CreateContentInput) -> Content:
        member = await info.context.require_member()
        content_in = ContentCreate(
            author_id=member.id,
            title=input.title,
            body=input.body,
            kind=input.kind.value,
            tags=input.tags,
            draft=input.draft,
            publish_at=input.publish_at,
            media_duration_ms=input.media_duration_ms,
            production_cost_minor=cents(
                input.production_cost_cents,
                input.production_cost_minor,
                field="productionCostCents",
                legacy_field="productionCostMinor",
            ),
            production_cost_currency=input.production_cost_currency,
            **paywall_fields(input),
        )
        return Content.from_read(await info.context.services.content.publish(member.community_id, content_in))

    @strawberry.mutation(description="Move a piece through its lifecycle; APPROVE, REJECT, HIDE, UNHIDE need OPERATOR.")
    async def transition_content(self, info: Info, input: TransitionContentInput) -> ContentTransitionPayload:
        member = await info.context.require_member()
        change = Transition(actor_id=member.id, action=input.action.value, publish_at=input.publish_at, note=input.note)
        result = await info.context.services.content.transition(member.community_id, str(input.content_id), change)
        return ContentTransitionPayload(
            id=strawberry.ID(result.id), status=result.status, review_reasons=result.review_reasons
        )

    @strawberry.mutation(description="Edit a piece (author or operator); the previous version is kept as a revision.")
    async def edit_content(self, info: Info, input: EditContentInput) -> EditContentPayload:
        member = await info.context.require_member()
        edit = ContentEdit(
            editor_id=member.id,
            title=input.title,
            body=input.body,
            tags=input.tags,
            production_cost_minor=cents(
                input.production_cost_cents,
                input.production_cost_minor,
                field="productionCostCents",
                legacy_field="productionCostMinor",
            ),
            production_cost_currency=input.production_cost_currency,
            **paywall_fields(input),
        )
        return EditContentPayload(
            revision=await info.context.services.content.edit(member.community_id, str(input.content_id), edit)
        )

    @strawberry.mutation(description="Operators: change the community's content settings (only the fields given).")
    async def update_content_settings(self, info: Info, input: UpdateContentSettingsInput) -> ContentSettings:
        member = (await info.context.require_operator(as_member=True)).actor
        given = {k: v for k, v in vars(input).items() if v is not None}
        given.pop("content_star_budget_cents", None)
        budget = cents(
            input.content_star_budget_cents,
            input.content_star_budget_minor,
            field="contentStarBudgetCents",
            legacy_field="contentStarBudgetMinor",
        )
        if budget is not None:
            given["content_star_budget_minor"] = budget
        update = ContentSettingsUpdate.model_validate({"actor_id": member.id, **given})
        read = await info.context.services.content.update_content_settings(member.community_id, update)
        return ContentSettings.from_read(read)


@strawberry.type
class InteractionMutation:
    @strawberry.mutation(description="One vote per member per item; voting again replaces the earlier vote.")
    async def vote_content(self, info: Info, input: VoteContentInput) -> Votes:
        member = await info.context.require_member()
        cast = VoteCast(member_id=member.id, value=input.value.value)
        return Votes.from_read(
            await info.context.services.content.vote(member.community_id, str(input.content_id), cast)
        )

    @strawberry.mutation(description="Anchor by `paragraph` or `mediaMs` (one of them); past the end is refused.")
    async def add_bullet_comment(self, info: Info, input: AddBulletCommentInput) -> BulletComment:
        member = await info.context.require_member()
        bullet = BulletCreate(member_id=member.id, text=input.text, paragraph=input.paragraph, media_ms=input.media_ms)
        read = await info.context.services.content.add_bullet(member.community_id, str(input.content_id), bullet)
        return BulletComment.from_read(read)

    @strawberry.mutation
    async def add_comment(self, info: Info, input: AddCommentInput) -> Comment:
        member = await info.context.require_member()
        comment = CommentCreate(
            member_id=member.id, text=input.text, parent_id=str(input.parent_id) if input.parent_id else None
        )
        read = await info.context.services.content.add_comment(member.community_id, str(input.content_id), comment)
        return Comment.from_read(read)

    @strawberry.mutation
    async def share_content(self, info: Info, input: ShareContentInput) -> ShareResult:
        member = await info.context.require_member()
        r = await info.context.services.content.share(
            member.community_id, str(input.content_id), ShareCreate(member_id=member.id, channel=input.channel)
        )
        return ShareResult(
            id=strawberry.ID(r.id), content_id=strawberry.ID(r.content_id), channel=r.channel, shares=r.shares
        )

    @strawberry.mutation
    async def open_topic(self, info: Info, input: OpenTopicInput) -> Topic:
        member = await info.context.require_member()
        topic = TopicCreate(member_id=member.id, title=input.title, prompt=input.prompt)
        return Topic.from_read(await info.context.services.content.open_topic(member.community_id, topic))

    @strawberry.mutation
    async def contribute_to_topic(self, info: Info, input: ContributeToTopicInput) -> Contribution:
        member = await info.context.require_member()
        body = ContributionCreate(member_id=member.id, text=input.text)
        read = await info.context.services.content.contribute(member.community_id, str(input.topic_id), body)
        return Contribution.from_read(read)

    @strawberry.mutation
    async def vote_contribution(self, info: Info, input: VoteContributionInput) -> Votes:
        member = await info.context.require_member()
        cast = VoteCast(member_id=member.id, value=input.value.value)
        tally = await info.context.services.content.vote_contribution(
            member.community_id, str(input.contribution_id), cast
        )
        return Votes.from_read(tally)

    @strawberry.mutation(description="Publish the chosen contributions as one piece crediting every contributor.")
    async def merge_topic(self, info: Info, input: MergeTopicInput) -> Content:
        member = await info.context.require_member()
        merge = TopicMerge(
            actor_id=member.id,
            contribution_ids=[str(i) for i in input.contribution_ids],
            title=input.title,
            kind=input.kind.value,
        )
        content_id = await info.context.services.content.merge_topic(member.community_id, str(input.topic_id), merge)
        read = await info.context.services.content.get(member.community_id, content_id, viewer_id=member.id)
        return Content.from_read(read)


@strawberry.type
class ModerationMutation:
    @strawberry.mutation(description="Members: complain about content (hidden too), a member, or the service.")
    async def file_complaint(self, info: Info, input: FileComplaintInput) -> Complaint:
        member = await info.context.require_member()
        complaint_in = ComplaintCreate(
            member_id=member.id,
            target_type=input.target_type.value,
            target_id=str(input.target_id) if input.target_id else None,
            category=input.category.value,
            text=input.text,
        )
        return Complaint.from_read(
            await info.context.services.content.file_complaint(member.community_id, complaint_in)
        )

    @strawberry.mutation(description="Operators: uphold (content is hidden) or dismiss (auto-hidden content returns).")
    async def decide_complaint(self, info: Info, input: DecideComplaintInput) -> Complaint:
        member = (await info.context.require_operator(as_member=True)).actor
        decision = ModerationDecision(actor_id=member.id, action=input.action.value, note=input.note)
        read = await info.context.services.content.decide_complaint(
            member.community_id, str(input.complaint_id), decision
        )
        return Complaint.from_read(read)


# Outbox event ids: uuid hex or a derived key (letters, digits, ":", ".", "_", "-").
EVENT_ID = re.compile(r"[A-Za-z0-9:._-]{1,200}")
DELIVERY_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


@strawberry.type
class CrisisMutation:
    @strawberry.mutation(description="The monitoring partner (admin key) or an operator pushes an external mention.")
    async def report_mention(self, info: Info, input: ReportMentionInput) -> Mention:
        cid = (await info.context.require_operator(input.community_id)).community_id
        mention_in = MentionCreate(
            platform=input.platform,
            url=input.url,
            sentiment=input.sentiment.value,
            occurred_at=input.occurred_at,
            legal=input.legal,
            text=input.text,
        )
        r = await info.context.services.content.push_mention(cid, mention_in)
        return Mention(
            id=strawberry.ID(r.id),
            platform=r.platform,
            url=r.url,
            sentiment=r.sentiment,
            occurred_at=r.occurred_at,
            legal=r.legal,
            duplicate=r.duplicate,
            incident_id=strawberry.ID(r.incident_id) if r.incident_id else None,
        )

    @strawberry.mutation(description="Operators: set a step's owner or note, or mark it done (once; never undone).")
    async def update_incident_step(self, info: Info, input: UpdateIncidentStepInput) -> Incident:
        member = (await info.context.require_operator(as_member=True)).actor
        object_id(str(input.incident_id), field="incidentId")
        update = StepUpdate(actor_id=member.id, step=input.step, owner=input.owner, note=input.note, done=input.done)
        read = await info.context.services.content.update_incident_step(
            member.community_id, str(input.incident_id), update
        )
        return Incident.from_read(read)

    @strawberry.mutation(description="Operators: close an incident.")
    async def resolve_incident(self, info: Info, input: ResolveIncidentInput) -> Incident:
        member = (await info.context.require_operator(as_member=True)).actor
        read = await info.context.services.content.resolve_incident(
            member.community_id,
            str(input.incident_id),
            IncidentResolve(actor_id=member.id, note=input.note, reason=input.reason),
        )
        return Incident.from_read(read)

    @strawberry.mutation(
        description="Operators: where incidents, escalations and overdue steps are sent.",
        deprecation_reason="Use createWebhookEndpoint: several endpoints, chosen event types, Standard Webhooks.",
    )
    async def configure_webhook(self, info: Info, input: ConfigureWebhookInput) -> Webhook:
        member = (await info.context.require_operator(as_member=True)).actor
        config = WebhookConfig(actor_id=member.id, url=input.url, secret=input.secret)
        read = await info.context.services.content.configure_webhook(member.community_id, config)
        return Webhook(url=read.url, configured_at=read.configured_at)

    @strawberry.mutation(
        description="Operators and webhooks:manage keys: send a logged delivery again, with the same webhook-id."
    )
    async def replay_webhook_delivery(self, info: Info, input: ReplayWebhookDeliveryInput) -> WebhookDelivery:
        member = (await info.context.require_operator(as_member=True)).actor
        if input.event_id is not None and not EVENT_ID.fullmatch(str(input.event_id)):
            raise BadInputError("eventId: not a valid event id", field="eventId")
        if input.delivery_id is not None and not DELIVERY_ID.fullmatch(str(input.delivery_id)):
            raise BadInputError("deliveryId: not a valid delivery id", field="deliveryId")
        replay_in = ReplayRequest(
            actor_id=member.id,
            event_id=input.event_id,
            delivery_id=str(input.delivery_id) if input.delivery_id else None,
        )
        read = await info.context.services.content.replay_webhook_delivery(member.community_id, replay_in)
        return WebhookDelivery.from_read(read)


@strawberry.type
class TemplateMutation:
    @strawberry.mutation(description="Fill a template; every bad field is listed in extensions.fields.")
    async def create_content_from_template(self, info: Info, input: CreateContentFromTemplateInput) -> Content:
        member = await info.context.require_member()
        request = ContentFromTemplate(
            author_id=member.id,
            template_id=str(input.template_id),
            version=input.version,
            values=[FieldValue(name=v.name, value=v.value) for v in input.values],
            kind=input.kind.value if input.kind else None,
            tags=input.tags,
            draft=input.draft,
        )
        return Content.from_read(await info.context.services.content.create_from_template(member.community_id, request))

    @strawberry.mutation(description="Operators: create a template or add a version to it.")
    async def save_template(self, info: Info, input: SaveTemplateInput) -> Template:
        member = (await info.context.require_operator(as_member=True)).actor
        save = TemplateSave(actor_id=member.id, template=TemplateSpec.model_validate(input.template))
        return Template.from_read(await info.context.services.content.save_template(member.community_id, save))

    @strawberry.mutation(description="Operators: load a library; one bad entry writes nothing and is named.")
    async def import_templates(self, info: Info, input: ImportTemplatesInput) -> TemplateImportReport:
        member = (await info.context.require_operator(as_member=True)).actor
        request = TemplateImport(actor_id=member.id, format=input.format.value, document=input.document)
        r = await info.context.services.content.import_templates(member.community_id, request)
        return TemplateImportReport(created=r.created, versioned=r.versioned, unchanged=r.unchanged, total=r.total)


@strawberry.type
class IncentivesMutation:
    @strawberry.mutation(description="Operators: select a month's content stars (safe to run again).")
    async def run_content_star(self, info: Info, input: RunContentStarInput) -> ContentStarResult:
        member = (await info.context.require_operator(as_member=True)).actor
        r = await info.context.services.content.run_content_star(
            member.community_id, ContentStarRun(actor_id=member.id, month=input.month)
        )
        return ContentStarResult(
            month=r.month,
            ran_at=r.ran_at,
            rerun=r.rerun,
            budget_minor=r.budget_minor,
            awards=[
                ContentStarAward(
                    member_id=strawberry.ID(a.member_id),
                    rank=a.rank,
                    score=a.score,
                    amount_minor=a.amount_minor,
                    currency=a.currency,
                    best_content_id=strawberry.ID(a.best_content_id),
                )
                for a in r.awards
            ],
        )

    @strawberry.mutation(description="Operators: boost a piece's exposure for a period; the ranker reads it.")
    async def grant_exposure_boost(self, info: Info, input: GrantExposureBoostInput) -> ExposureBoost:
        member = (await info.context.require_operator(as_member=True)).actor
        grant = BoostGrant(
            actor_id=member.id,
            content_id=str(input.content_id),
            percent=input.percent,
            days=input.days,
            reason=input.reason,
        )
        r = await info.context.services.content.grant_boost(member.community_id, grant)
        return ExposureBoost(
            id=strawberry.ID(r.id),
            content_id=strawberry.ID(r.content_id),
            factor=r.factor,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            reason=r.reason,
        )
