"""Public enums of content: the content service's own enums under their GraphQL names."""

from __future__ import annotations

import strawberry

from content_service.schemas import Action as ContentAction
from content_service.schemas import (
    ComplaintCategory,
    ComplaintStatus,
    ContentAccess,
    ContentKind,
    ContentStatus,
    IncidentStatus,
    ModerationAction,
    Sentiment,
    VoteValue,
)
from content_service.schemas import ExportFormat as TemplateFormat
from content_service.schemas import FieldType as TemplateFieldType
from content_service.schemas import TargetType as ComplaintTargetType

# Each call registers the service's enum as a GraphQL enum, by member name, in the service's order.
strawberry.enum(
    ContentKind,
    name="ContentKind",
    description="PGC: expert production; UGC: member production; COMMERCIAL: labelled operator content.",
)
strawberry.enum(ContentStatus, name="ContentStatus")
strawberry.enum(
    ContentAccess,
    name="ContentAccess",
    description=(
        "Who may read a piece's body: PUBLIC anyone who can read the community's content, MEMBERS its members, "
        "PAID members with a live paid subscription (or only some plans). Others receive a teaser: title and "
        "preview, `locked: true`."
    ),
)
strawberry.enum(ContentAction, name="ContentAction")
strawberry.enum(VoteValue, name="VoteValue")
strawberry.enum(IncidentStatus, name="IncidentStatus")
strawberry.enum(Sentiment, name="Sentiment")
strawberry.enum(ComplaintTargetType, name="ComplaintTargetType")
strawberry.enum(ComplaintCategory, name="ComplaintCategory")
strawberry.enum(ComplaintStatus, name="ComplaintStatus")
strawberry.enum(ModerationAction, name="ModerationAction")
strawberry.enum(TemplateFormat, name="TemplateFormat")
strawberry.enum(TemplateFieldType, name="TemplateFieldType")

__all__ = [
    "ComplaintCategory",
    "ComplaintStatus",
    "ComplaintTargetType",
    "ContentAccess",
    "ContentAction",
    "ContentKind",
    "ContentStatus",
    "IncidentStatus",
    "ModerationAction",
    "Sentiment",
    "TemplateFieldType",
    "TemplateFormat",
    "VoteValue",
]
