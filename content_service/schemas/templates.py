"""Knowledge templates: typed fields, versions, bulk import/export, creation from a template, assisted drafting."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from content_service.domain.kinds import ContentKind
from content_service.domain.template_fields import FieldType
from content_service.schemas.content import Tag
from infra.schemas import ApiInput, ApiModel, Id

FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")]
TemplateKey = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$")
]


class ExportFormat(StrEnum):
    JSON = "JSON"
    YAML = "YAML"


class TemplateFieldSpec(ApiInput):
    name: FieldName
    type: FieldType = FieldType.TEXT
    label: Annotated[str, StringConstraints(max_length=120)] | None = None
    required: bool = False
    max_length: Annotated[int, Field(ge=1, le=200_000)] | None = None
    choices: list[Annotated[str, StringConstraints(min_length=1, max_length=120)]] = Field(
        default_factory=list, max_length=100
    )

    @model_validator(mode="after")
    def _choices_for_choice(self) -> TemplateFieldSpec:
        if self.type == FieldType.CHOICE and not self.choices:
            raise ValueError("a CHOICE field lists its choices")
        return self


class TemplateSpec(ApiInput):
    """One template as authored, imported and exported."""

    key: TemplateKey
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    fields: list[TemplateFieldSpec] = Field(min_length=1, max_length=50)
    default_kind: ContentKind = ContentKind.UGC
    default_tags: list[Tag] = Field(default_factory=list, max_length=20)
    title_pattern: Annotated[str, StringConstraints(min_length=1, max_length=300)] = "{title}"
    body_pattern: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]

    @model_validator(mode="after")
    def _unique_fields(self) -> TemplateSpec:
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError("field names are unique within a template")
        return self


class TemplateSave(ApiInput):
    actor_id: Id
    template: TemplateSpec


class TemplateRead(ApiModel):
    id: str
    key: str
    platform: bool
    version: int
    name: str
    description: str
    fields: list[TemplateFieldSpec]
    default_kind: ContentKind
    default_tags: list[str]
    title_pattern: str
    body_pattern: str
    usage_count: int
    updated_at: datetime


class TemplateList(ApiModel):
    items: list[TemplateRead]


class FieldValue(ApiInput):
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    value: Annotated[str, StringConstraints(max_length=200_000)]


class ContentFromTemplate(ApiInput):
    author_id: Id
    template_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    version: Annotated[int, Field(ge=1)] | None = None
    values: list[FieldValue] = Field(max_length=50)
    kind: ContentKind | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    draft: bool = False


class TemplateImport(ApiInput):
    actor_id: Id
    format: ExportFormat
    document: Annotated[str, StringConstraints(min_length=1, max_length=50_000_000)]


class ImportReport(ApiModel):
    created: int
    versioned: int
    unchanged: int
    total: int


class TemplateExport(ApiModel):
    format: ExportFormat
    count: int
    document: str


class TemplatePerformance(ApiModel):
    template_id: str
    usage_count: int
    pieces: int
    up_votes: int
    down_votes: int
    comments: int
    bullet_comments: int
    shares: int
    engagement_per_piece: float


class DraftText(ApiInput):
    title: Annotated[str, StringConstraints(max_length=300)] = ""
    body: Annotated[str, StringConstraints(min_length=1, max_length=200_000)]


class TagSuggestion(ApiModel):
    tag: str
    score: float


class NearDuplicate(ApiModel):
    content_id: str
    title: str
    similarity: float


class DraftAssist(ApiModel):
    tags: list[TagSuggestion]
    near_duplicates: list[NearDuplicate]
    threshold: float
    corpus_size: int
