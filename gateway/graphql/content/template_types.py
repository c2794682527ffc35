"""Object types of templates and drafting help: fields, versions, performance, import/export, tag and
duplicate suggestions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from content_service.schemas import (
    TemplateRead,
)
from gateway.graphql.content.enums import (
    ContentKind,
    TemplateFieldType,
    TemplateFormat,
)


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
                    type=f.type,
                    label=f.label,
                    required=f.required,
                    max_length=f.max_length,
                    choices=f.choices,
                )
                for f in r.fields
            ],
            default_kind=r.default_kind,
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
