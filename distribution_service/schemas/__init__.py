"""What distribution_service accepts and returns; shared with `DistributionClient`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from distribution_service.domain.experiment_enums import (
    Audience,
    Channel,
    ExperimentDecision,
    ExperimentKind,
    ExperimentMetric,
    ExperimentStatus,
    ExportFormat,
    GuardrailMetric,
)
from distribution_service.domain.honeycomb import EventType, Scene, Slot
from distribution_service.domain.sources import Source as Source  # re-exported: a public enum
from distribution_service.schemas.experiments import (
    ArmMetrics,
    ArmRead,
    ArmSpec,
    AssignmentRequest,
    ComparisonRead,
    DetectableAt,
    ExperimentAnalysis,
    ExperimentCreate,
    ExperimentFinish,
    ExperimentFlags,
    ExperimentList,
    ExperimentRead,
    ExperimentResult,
    ExperimentResults,
    GuardrailBreach,
    GuardrailCheck,
    GuardrailSpec,
    InterleavingRead,
    MemberArm,
    MemberAssignments,
    PowerPlan,
    PowerRequest,
    ResultsExport,
    RolloutStep,
    RolloutUpdate,
    SrmRead,
    TargetingSpec,
    WeightsUpdate,
)
from infra.bulk import MAX_IMPORT_BATCH, SourceKey
from infra.schemas import ApiInput, ApiModel, Id

MAX_FEED_PAGE = 100
# recordEvents takes up to this many events (SDKs that batch); the gateway refuses more before any write.
MAX_EVENT_BATCH = 500


class EventCreate(ApiInput):
    member_id: Id
    content_id: Id
    type: EventType
    slot: Slot | None = None
    scene: Scene | None = None
    # A client's own id for the event: sending it again records nothing new.
    client_event_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    occurred_at: datetime | None = None
    dwell_ms: Annotated[int, Field(ge=0, le=86_400_000)] | None = None
    # The feed or delivery decision the event answers (attributes it to that ranking, for training).
    decision_id: Id | None = None


class EventRecorded(ApiModel):
    id: str
    duplicate: bool


class EventBatch(ApiInput):
    events: list[EventCreate] = Field(min_length=1, max_length=MAX_EVENT_BATCH)


class EventsRecorded(ApiModel):
    items: list[EventRecorded]


class FeedRequest(ApiInput):
    member_id: Id
    slot: Slot
    scene: Scene
    first: Annotated[int, Field(ge=1, le=MAX_FEED_PAGE)] = 20
    # Explain each shown item (its score's parts); a caller that shows no reasons saves their cost.
    reasons: bool = True


class FeedItem(ApiModel):
    content_id: str
    score: float
    reasons: dict[str, float]
    position: int = 0
    # The candidate sources that offered the item: RECENT, BOOSTED, TOPIC, FOLLOWED, AFFINE.
    sources: list[str] = []


class FeedPage(ApiModel):
    items: list[FeedItem]
    model_version: str
    decision_id: str | None = None


class ExplainRequest(ApiInput):
    member_id: Id
    decision_id: Id
    content_id: Id


class FeatureValue(ApiModel):
    name: str
    value: float | None


class FeedExplanation(ApiModel):
    """Why an item was shown: the decision's model, arm and position, the item's score and its top reasons."""

    decision_id: str
    content_id: str
    model_version: str
    experiment_arm: str | None
    shadow_version: str | None
    slot: Slot
    scene: Scene
    at: datetime
    position: int | None
    score: float
    reasons: dict[str, float]
    features: list[FeatureValue]
    sources: list[str] = []


class DeliveryItem(ApiModel):
    content_id: str
    score: float
    position: int
    # Why the item was pushed: the candidate sources that offered it and each feature's contribution.
    sources: list[str] = Field(default_factory=list)
    reasons: dict[str, float] = Field(default_factory=dict)


class DeliveryRead(ApiModel):
    id: str
    slot: Slot
    day: str
    decision_id: str
    model_version: str
    items: list[DeliveryItem]
    created_at: datetime
    opened_at: datetime | None = None
    shared_at: datetime | None = None
    # The push copy an experiment arm gave this delivery (null: the default copy).
    push_copy: str | None = None


class Inbox(ApiModel):
    deliveries: list[DeliveryRead]


class SlotRate(ApiModel):
    slot: Slot
    delivered: int
    opened: int
    shared: int
    open_rate: float
    share_rate: float


class SlotRates(ApiModel):
    slots: list[SlotRate]


class SlotRunRequest(ApiInput):
    slot: Slot
    member_ids: list[Id] = Field(max_length=1000)
    # The community's local day of the run: the unique key (member, slot, day) makes a re-run deliver nothing twice.
    day: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    top_k: Annotated[int, Field(ge=1, le=20)] = 5


class SlotRunResult(ApiModel):
    delivered: int
    already_delivered: int
    capped: int
    opted_out: int
    quiet: int
    empty: int
    # Members an experiment arm moved to another golden slot.
    moved: int = 0


class SlotMembers(ApiModel):
    member_ids: list[str]


Clock = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class PushPreferencesUpdate(ApiInput):
    member_id: Id
    opted_out: bool | None = None
    quiet_start: Clock | None = None
    quiet_end: Clock | None = None
    # Pushes also by e-mail (to the address users_service has on file), beside the in-app inbox.
    by_email: bool | None = None


class PushPreferencesRead(ApiModel):
    opted_out: bool
    quiet_start: str | None
    quiet_end: str | None
    by_email: bool = False


class MemberActivity(ApiModel):
    """A member's engagement since a moment: the raw material of RFM recency and frequency."""

    events: int
    engagement: float
    last_at: datetime


class ActivityByMember(ApiModel):
    members: dict[str, MemberActivity]


class ContentEngagers(ApiModel):
    """Members who engaged with one item over [since, until) (an offline event's warm-up or exhibit)."""

    member_ids: list[str]


class MemberEventCounts(ApiModel):
    """A member's engagement events by type over [since, until): what campaign tasks are verified against."""

    counts: dict[str, int]


class MemberEngagement(ApiModel):
    """One member's engagement over W and the previous window (see EngagementFigures), for the breakdowns."""

    member_id: str
    days: int  # distinct UTC days engaged in W
    events: int  # engagement events in W
    engaged: bool  # engaged in W
    previous: bool  # engaged in the previous window


class MemberEngagementList(ApiModel):
    """Every member engaged in W or the previous window; the health indicators group them by segment."""

    as_of: datetime
    items: list[MemberEngagement]


class EngagementFigures(ApiModel):
    """A community's engagement aggregated for the health indicators, over windows ending at `as_of`.

    W is the 30 days before `as_of`, the previous window the 30 days before W. "Engaged" is any event but an
    impression. Counts by event type and deliveries are over W.
    """

    as_of: datetime
    member_days: int  # distinct (member, UTC day) pairs engaged in W
    dau: int  # engaged in the last day
    wau: int  # engaged in the last 7 days
    mau: int  # engaged in W
    mau_previous: int  # engaged in the previous window
    retained: int  # engaged in both windows
    active_90: int  # engaged in the last 90 days
    engagement_events: int
    impressions: int
    opens: int
    clicks: int
    shares: int
    votes: int
    downvotes: int
    bullet_comments: int
    comments: int
    answers: int
    favorites: int
    dwells: int
    dwell_ms: int
    deliveries: int
    deliveries_opened: int
    deliveries_shared: int


# Events imported from another platform, in batches, idempotent by `source` + `sourceId`.


class EventImport(ApiInput):
    source_id: SourceKey
    # None: the source platform does not say who (Stack Exchange up/down votes); it still counts for the item.
    member_id: Id | None = None
    content_id: Id
    type: EventType
    occurred_at: datetime
    slot: Slot | None = None
    scene: Scene | None = None
    dwell_ms: Annotated[int, Field(ge=0, le=86_400_000)] | None = None


class EventImportBatch(ApiInput):
    source: SourceKey
    events: list[EventImport] = Field(min_length=1, max_length=MAX_IMPORT_BATCH)


# A member's feed relations, the authors they follow and block (docs/ranking.md).

MAX_RELATION_MEMBERS = 1000
MAX_RELATIONS_LISTED = 100


class AuthorRelationChange(ApiInput):
    """Follow, unfollow, block or unblock: `memberId` acts on `authorId`."""

    member_id: Id
    author_id: Id


class AuthorRelations(ApiModel):
    """Authors a member follows and blocks (a blocked author is never also followed)."""

    follows: list[str]
    blocks: list[str]


class AuthorRelationsLookup(ApiInput):
    member_ids: list[Id] = Field(max_length=MAX_RELATION_MEMBERS)


class AuthorRelationsByMember(ApiModel):
    """Member id → their relations, every member asked for present (empty lists when none)."""

    members: dict[str, AuthorRelations]


# The experiments' enums and wire models are re-exported: every name is importable from here.
__all__ = [
    "ActivityByMember",
    "ArmMetrics",
    "ArmRead",
    "ArmSpec",
    "AssignmentRequest",
    "Audience",
    "AuthorRelationChange",
    "AuthorRelations",
    "AuthorRelationsByMember",
    "AuthorRelationsLookup",
    "Channel",
    "ComparisonRead",
    "DeliveryItem",
    "DeliveryRead",
    "DetectableAt",
    "EngagementFigures",
    "MemberEngagement",
    "MemberEngagementList",
    "EventBatch",
    "EventCreate",
    "EventImport",
    "EventImportBatch",
    "EventRecorded",
    "EventType",
    "EventsRecorded",
    "ExperimentAnalysis",
    "ExperimentCreate",
    "ExperimentDecision",
    "ExperimentFinish",
    "ExperimentFlags",
    "ExperimentKind",
    "ExperimentList",
    "ExperimentMetric",
    "ExperimentRead",
    "ExperimentResult",
    "ExperimentResults",
    "ExperimentStatus",
    "ExplainRequest",
    "ExportFormat",
    "FeatureValue",
    "FeedExplanation",
    "FeedItem",
    "FeedPage",
    "FeedRequest",
    "GuardrailBreach",
    "GuardrailCheck",
    "GuardrailMetric",
    "GuardrailSpec",
    "Inbox",
    "InterleavingRead",
    "MAX_EVENT_BATCH",
    "MAX_FEED_PAGE",
    "MAX_RELATIONS_LISTED",
    "MAX_RELATION_MEMBERS",
    "MemberActivity",
    "MemberArm",
    "MemberAssignments",
    "PowerPlan",
    "PowerRequest",
    "PushPreferencesRead",
    "PushPreferencesUpdate",
    "ResultsExport",
    "RolloutStep",
    "RolloutUpdate",
    "Scene",
    "Slot",
    "SlotMembers",
    "SlotRate",
    "SlotRates",
    "SlotRunRequest",
    "SlotRunResult",
    "Source",
    "SrmRead",
    "TargetingSpec",
    "WeightsUpdate",
]
