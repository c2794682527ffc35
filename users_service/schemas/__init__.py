"""users_service's wire contract, shared with `UsersClient`: every model and every enum that crosses the wire.

One module per concept; import from here (`from users_service.schemas import MemberRead, Tier`).
"""

from __future__ import annotations

from users_service.domain.acquisition import Channel, ProgramKind
from users_service.domain.api_keys import Scope
from users_service.domain.layers import Layer
from users_service.domain.proposals import ProposalStatus, Recommendation
from users_service.domain.roles import Role
from users_service.domain.stages import Stage
from users_service.domain.tiers import Tier
from users_service.schemas.acquisition import (
    AcquisitionReport,
    ChannelCac,
    Enrollment,
    ProgramCreate,
    ProgramList,
    ProgramRead,
    SpendCreate,
    SpendRead,
    SpendTotal,
)
from users_service.schemas.api_keys import (
    API_KEY_PREFIX,
    ApiKeyAuthenticate,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyRead,
    ApiKeyRevoke,
)
from users_service.schemas.communities import CommunityCreate, CommunityRead
from users_service.schemas.governance import (
    GovernanceRead,
    MemberList,
    ProposalCreate,
    ProposalDecision,
    ProposalFeedback,
    ProposalList,
    ProposalRead,
    ProposalReview,
    StepRead,
)
from users_service.schemas.ltv import LtvCalibrationBin, LtvErrors, LtvModelList, LtvModelRead, LtvTrain
from users_service.schemas.members import (
    Credentials,
    MemberCreate,
    MemberIds,
    MemberImport,
    MemberImportBatch,
    MemberLookup,
    MemberLookupResult,
    MemberRead,
    RoleChange,
)
from users_service.schemas.stage import KpiRead, StageRead
from users_service.schemas.value import (
    DEFAULT_TIER_TARGETS,
    LastActivity,
    LayerShare,
    RecomputeRequest,
    RfmPyramid,
    TierChangeList,
    TierChangeRead,
    TierDistribution,
    TierMove,
    TierRunList,
    TierRunRead,
    TierShare,
    TreatmentRead,
    ValueConfig,
)
from users_service.schemas.voice import (
    DEFAULT_QUESTION,
    NpsRead,
    NpsReport,
    ResponseCreate,
    ResponseList,
    ResponseRead,
    SurveyCreate,
    SurveyList,
    SurveyRead,
)

__all__ = [
    "API_KEY_PREFIX",
    "ApiKeyAuthenticate",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyList",
    "ApiKeyRead",
    "ApiKeyRevoke",
    "Scope",
    "AcquisitionReport",
    "Channel",
    "ChannelCac",
    "CommunityCreate",
    "CommunityRead",
    "Credentials",
    "DEFAULT_QUESTION",
    "DEFAULT_TIER_TARGETS",
    "Enrollment",
    "GovernanceRead",
    "KpiRead",
    "LastActivity",
    "Layer",
    "LayerShare",
    "LtvCalibrationBin",
    "LtvErrors",
    "LtvModelList",
    "LtvModelRead",
    "LtvTrain",
    "MemberCreate",
    "MemberIds",
    "MemberImport",
    "MemberImportBatch",
    "MemberList",
    "MemberLookup",
    "MemberLookupResult",
    "MemberRead",
    "NpsRead",
    "NpsReport",
    "ProgramCreate",
    "ProgramKind",
    "ProgramList",
    "ProgramRead",
    "ProposalCreate",
    "ProposalDecision",
    "ProposalFeedback",
    "ProposalList",
    "ProposalRead",
    "ProposalReview",
    "ProposalStatus",
    "Recommendation",
    "RecomputeRequest",
    "ResponseCreate",
    "ResponseList",
    "ResponseRead",
    "RfmPyramid",
    "Role",
    "RoleChange",
    "SpendCreate",
    "SpendRead",
    "SpendTotal",
    "Stage",
    "StageRead",
    "StepRead",
    "SurveyCreate",
    "SurveyList",
    "SurveyRead",
    "Tier",
    "TierChangeList",
    "TierChangeRead",
    "TierDistribution",
    "TierMove",
    "TierRunList",
    "TierRunRead",
    "TierShare",
    "TreatmentRead",
    "ValueConfig",
]
