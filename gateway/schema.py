"""The public schema, composed from the per-domain query and mutation classes."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from gateway.errors import ErrorCodes
from gateway.graphql.billing import BillingMutation, BillingQuery
from gateway.graphql.billing_commerce import CommerceMutation, CommerceQuery
from gateway.graphql.billing_ledger import LedgerMutation, LedgerQuery
from gateway.graphql.communities import CommunityMutation, CommunityQuery
from gateway.graphql.content import ContentMutation, ContentQuery
from gateway.graphql.content_crisis import CrisisMutation, CrisisQuery
from gateway.graphql.content_incentives import IncentivesMutation, IncentivesQuery
from gateway.graphql.content_interaction import InteractionMutation, InteractionQuery
from gateway.graphql.content_moderation import ModerationMutation, ModerationQuery
from gateway.graphql.content_production import ContentProductionMutation, ContentProductionQuery
from gateway.graphql.content_templates import TemplateMutation, TemplateQuery
from gateway.graphql.deliveries import DeliveryMutation, DeliveryQuery
from gateway.graphql.feed import FeedMutation, FeedQuery
from gateway.graphql.relations import RelationsMutation, RelationsQuery
from gateway.graphql.users import UserMutation, UserQuery
from gateway.graphql.users_acquisition import AcquisitionMutation, AcquisitionQuery
from gateway.graphql.users_governance import GovernanceMutation, GovernanceQuery
from gateway.graphql.users_ltv import LtvMutation, LtvQuery
from gateway.graphql.users_stage import StageQuery
from gateway.graphql.users_value import MemberValueMutation, MemberValueQuery
from gateway.graphql.users_voice import VoiceMutation, VoiceQuery
from gateway.metrics import OperationMetrics
from infra.settings import Settings

# Issue 7's content modules follow the foundation's.
CONTENT_QUERIES = (
    ContentProductionQuery,
    InteractionQuery,
    ModerationQuery,
    CrisisQuery,
    TemplateQuery,
    IncentivesQuery,
)
CONTENT_MUTATIONS = (
    ContentProductionMutation,
    InteractionMutation,
    ModerationMutation,
    CrisisMutation,
    TemplateMutation,
    IncentivesMutation,
)
# Issue 6: member value, voice, lifecycle stage, acquisition and governance.
USERS_QUERIES = (MemberValueQuery, LtvQuery, VoiceQuery, GovernanceQuery, StageQuery, AcquisitionQuery)
USERS_MUTATIONS = (MemberValueMutation, LtvMutation, VoiceMutation, GovernanceMutation, AcquisitionMutation)

Query = merge_types(
    "Query",
    (
        CommunityQuery,
        UserQuery,
        ContentQuery,
        FeedQuery,
        BillingQuery,
        CommerceQuery,
        LedgerQuery,
        DeliveryQuery,
        RelationsQuery,
        *CONTENT_QUERIES,
        *USERS_QUERIES,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        CommunityMutation,
        UserMutation,
        ContentMutation,
        FeedMutation,
        BillingMutation,
        CommerceMutation,
        LedgerMutation,
        DeliveryMutation,
        RelationsMutation,
        *CONTENT_MUTATIONS,
        *USERS_MUTATIONS,
    ),
)


class GatewaySchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # ErrorCodes logs what is unexpected, once, with the request id; expected errors are not log noise.
        return None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    production = bool(settings and settings.is_production)
    depth = settings.max_query_depth if settings else 12
    aliases = settings.max_aliases if settings else 30
    tokens = settings.max_query_tokens if settings else 3000
    # Factories, not instances: strawberry builds a fresh extension for every request.
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=depth),
        lambda: MaxAliasesLimiter(max_alias_count=aliases),
        lambda: MaxTokensLimiter(max_token_count=tokens),
        OperationMetrics,
        ErrorCodes,
    ]
    if production:
        extensions.append(DisableIntrospection)
    config: Any = StrawberryConfig(disable_field_suggestions=production)
    return GatewaySchema(query=Query, mutation=Mutation, extensions=extensions, config=config)
