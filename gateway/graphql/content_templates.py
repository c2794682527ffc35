"""Knowledge templates: library, versions, import/export, creation with field errors, assisted drafting."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from content_service.templates.schemas import (
    ContentFromTemplate,
    DraftText,
    FieldValue,
    TemplateImport,
    TemplateRead,
    TemplateSave,
    TemplateSpec,
)
from content_service.templates.schemas import ExportFormat as ServiceExportFormat
from gateway.context import Info
from gateway.graphql.content_common import operator_member
from gateway.graphql.enums import ContentKind
from gateway.graphql.pagination import check_first
from gateway.graphql.types import Content


@strawberry.enum
class TemplateFormat(Enum):
    JSON = "JSON"
    YAML = "YAML"


@strawberry.enum
class TemplateFieldType(Enum):
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    CHOICE = "CHOICE"


@strawberry.type
class TemplateField:
    name: str
    type: TemplateFieldType
    label: str | None
    required: bool
    max_length: int | None
    choices: list[str]


@strawberry.type(description="A template's latest version; platform starters are shared by every community.")
class Template:
    id: strawberry.ID
    key: str
    platform: bool
    version: int
    name: str
    description: str
    fields: list[TemplateField]
    default_kind: ContentKind
    default_tags: list[str]
    title_pattern: str
    body_pattern: str
    usage_count: int
    updated_at: datetime

    @staticmethod
    def from_read(r: TemplateRead) -> Template:
        return Template(
            id=strawberry.ID(r.id),
            key=r.key,
            platform=r.platform,
            version=r.version,
            name=r.name,
            description=r.description,
            fields=[
                TemplateField(
                    name=f.name,
                    type=TemplateFieldType(f.type.value),
                    label=f.label,
                    required=f.required,
                    max_length=f.max_length,
                    choices=f.choices,
                )
                for f in r.fields
            ],
            default_kind=ContentKind(r.default_kind.value),
            default_tags=r.default_tags,
            title_pattern=r.title_pattern,
            body_pattern=r.body_pattern,
            usage_count=r.usage_count,
            updated_at=r.updated_at,
        )


@strawberry.type
class TemplatePerformance:
    template_id: strawberry.ID
    usage_count: int
    pieces: int
    up_votes: int
    down_votes: int
    comments: int
    bullet_comments: int
    shares: int
    engagement_per_piece: float


@strawberry.type
class TemplateImportReport:
    created: int
    versioned: int
    unchanged: int
    total: int


@strawberry.type
class TemplateExport:
    format: TemplateFormat
    count: int
    document: str


@strawberry.type
class TagSuggestion:
    tag: str
    score: float


@strawberry.type
class NearDuplicate:
    content_id: strawberry.ID
    title: str
    similarity: float


@strawberry.type(description="Suggested tags (top 3) and near-duplicates among the community's published pieces.")
class DraftSuggestions:
    tags: list[TagSuggestion]
    near_duplicates: list[NearDuplicate]
    threshold: float
    corpus_size: int


@strawberry.input
class TemplateFieldValueInput:
    name: str
    value: str


@strawberry.input
class CreateContentFromTemplateInput:
    template_id: strawberry.ID
    version: int | None = strawberry.field(default=None, description="Default: the latest version.")
    values: list[TemplateFieldValueInput]
    kind: ContentKind | None = None
    tags: list[str] | None = None
    draft: bool = False


@strawberry.input
class SaveTemplateInput:
    template: JSON = strawberry.field(
        description="key, name, description, fields [{name, type, required, maxLength, choices}], defaultKind, "
        "defaultTags, titlePattern, bodyPattern. An existing key gets a new version when it changed."
    )


@strawberry.input
class ImportTemplatesInput:
    format: TemplateFormat
    document: str = strawberry.field(description="{templates: [...]} (or a bare list) as JSON or YAML.")


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
        member = await operator_member(info)
        r = await info.context.services.content.export_templates(member.community_id, ServiceExportFormat(format.value))
        return TemplateExport(format=TemplateFormat(r.format.value), count=r.count, document=r.document)

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
        member = await operator_member(info)
        save = TemplateSave(actor_id=member.id, template=TemplateSpec.model_validate(input.template))
        return Template.from_read(await info.context.services.content.save_template(member.community_id, save))

    @strawberry.mutation(description="Operators: load a library; one bad entry writes nothing and is named.")
    async def import_templates(self, info: Info, input: ImportTemplatesInput) -> TemplateImportReport:
        member = await operator_member(info)
        request = TemplateImport(actor_id=member.id, format=input.format.value, document=input.document)
        r = await info.context.services.content.import_templates(member.community_id, request)
        return TemplateImportReport(created=r.created, versioned=r.versioned, unchanged=r.unchanged, total=r.total)
