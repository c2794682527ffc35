"""The public schema, composed from the per-domain query and mutation classes."""

from __future__ import annotations

import copy
from functools import cache, partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from gateway.cost_lane import CostLane, lane_for
from gateway.cost_limits import CostBudgets, CostPolicy, QueryCostLimits
from gateway.document_limits import DocumentLimits
from gateway.errors import ErrorCodes, ProductionErrorCodes
from gateway.execution_context import AcyclicExecutionContext
from gateway.graphql import descriptions
from gateway.graphql.billing.descriptions import DESCRIPTIONS as BILLING_DESCRIPTIONS
from gateway.graphql.billing.mutations import BillingMutation, CommerceMutation, LedgerMutation
from gateway.graphql.billing.queries import BillingQuery, CommerceQuery, LedgerQuery
from gateway.graphql.campaigns import CampaignMutation, CampaignQuery, OfflineEventMutation, OfflineEventQuery
from gateway.graphql.campaigns.descriptions import DESCRIPTIONS as CAMPAIGN_DESCRIPTIONS
from gateway.graphql.content.connections import ContentConnectionQuery
from gateway.graphql.content.descriptions import DESCRIPTIONS as CONTENT_DESCRIPTIONS
from gateway.graphql.content.mutations import (
    ContentMutation,
    ContentProductionMutation,
    CrisisMutation,
    IncentivesMutation,
    InteractionMutation,
    ModerationMutation,
    TemplateMutation,
)
from gateway.graphql.content.queries import (
    ContentProductionQuery,
    ContentQuery,
    CrisisQuery,
    IncentivesQuery,
    InteractionQuery,
    ModerationQuery,
    TemplateQuery,
)
from gateway.graphql.content.webhooks import WebhookMutation, WebhookQuery
from gateway.graphql.distribution.descriptions import DESCRIPTIONS as DISTRIBUTION_DESCRIPTIONS
from gateway.graphql.distribution.mutations import DeliveryMutation, FeedMutation, RelationsMutation
from gateway.graphql.distribution.queries import DeliveryQuery, FeedQuery, RelationsQuery
from gateway.graphql.experiments.descriptions import DESCRIPTIONS as EXPERIMENT_DESCRIPTIONS
from gateway.graphql.experiments.mutations import ExperimentMutation
from gateway.graphql.experiments.queries import ExperimentQuery
from gateway.graphql.health import HealthMutation, HealthQuery
from gateway.graphql.health.descriptions import DESCRIPTIONS as HEALTH_DESCRIPTIONS
from gateway.graphql.users.accounts import AccountMutation, AccountQuery
from gateway.graphql.users.api_keys import ApiKeyMutation, ApiKeyQuery
from gateway.graphql.users.connections import MemberConnectionQuery
from gateway.graphql.users.descriptions import DESCRIPTIONS as USERS_DESCRIPTIONS
from gateway.graphql.users.jobs import JobMutation, JobQuery
from gateway.graphql.users.mutations import (
    AcquisitionMutation,
    CommunityMutation,
    GovernanceMutation,
    LtvMutation,
    MemberValueMutation,
    UserMutation,
    VoiceMutation,
)
from gateway.graphql.users.offers import OfferMutation
from gateway.graphql.users.queries import (
    AcquisitionQuery,
    CommunityQuery,
    GovernanceQuery,
    LtvQuery,
    MemberValueQuery,
    StageQuery,
    UserQuery,
    VoiceQuery,
)
from gateway.graphql.users.sub_communities import SubCommunityQuery
from gateway.identifiers import IdentifierGuard
from gateway.metrics import OperationMetrics
from gateway.partners.access import PartnerAccess
from gateway.partners.allowlist import AllowlistedOnly
from gateway.partners.quotas import KeyQuotas
from gateway.persisted_queries import PersistedQueries
from gateway.query_cost import KnownCosts
from gateway.validated_queries import KnownQueries, QueryMemo
from infra.settings import Settings
from infra.shared_state import SharedState

# The order of the classes is the order of the fields in the published schema.
CONTENT_QUERIES = (
    ContentProductionQuery,
    InteractionQuery,
    ModerationQuery,
    CrisisQuery,
    TemplateQuery,
    IncentivesQuery,
    WebhookQuery,
)
CONTENT_MUTATIONS = (
    ContentProductionMutation,
    InteractionMutation,
    ModerationMutation,
    CrisisMutation,
    TemplateMutation,
    IncentivesMutation,
    WebhookMutation,
)
USERS_QUERIES = (MemberValueQuery, LtvQuery, JobQuery, VoiceQuery, GovernanceQuery, StageQuery, AcquisitionQuery)
USERS_MUTATIONS = (
    MemberValueMutation,
    LtvMutation,
    JobMutation,
    VoiceMutation,
    GovernanceMutation,
    AcquisitionMutation,
    OfferMutation,
)

Query = merge_types(
    "Query",
    (
        CommunityQuery,
        UserQuery,
        MemberConnectionQuery,
        ContentQuery,
        ContentConnectionQuery,
        FeedQuery,
        BillingQuery,
        CommerceQuery,
        LedgerQuery,
        DeliveryQuery,
        RelationsQuery,
        *CONTENT_QUERIES,
        *USERS_QUERIES,
        HealthQuery,
        ApiKeyQuery,
        CampaignQuery,
        OfflineEventQuery,
        ExperimentQuery,
        AccountQuery,
        SubCommunityQuery,
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
        HealthMutation,
        ApiKeyMutation,
        CampaignMutation,
        OfflineEventMutation,
        ExperimentMutation,
        AccountMutation,
    ),
)

DESCRIPTIONS = descriptions.merge(
    (
        descriptions.ROOTS,
        USERS_DESCRIPTIONS,
        CONTENT_DESCRIPTIONS,
        DISTRIBUTION_DESCRIPTIONS,
        EXPERIMENT_DESCRIPTIONS,
        BILLING_DESCRIPTIONS,
        HEALTH_DESCRIPTIONS,
        CAMPAIGN_DESCRIPTIONS,
    )
)


class GatewaySchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # ErrorCodes logs what is unexpected, once, with the request id; expected errors are not log noise.
        return None


@cache
def converted_schema(production: bool) -> GatewaySchema:
    """The types converted to GraphQL once per process and configuration (about a second of CPU each time).

    The conversion depends only on the static types and the config; what is per gateway (budgets, the query memo,
    persisted queries: the extensions) is set on a shallow copy by `build_schema`. A process that starts many
    gateways (the test suite starts one per test) converts once.
    """
    config: Any = StrawberryConfig(disable_field_suggestions=production)
    schema = GatewaySchema(
        query=Query, mutation=Mutation, extensions=[], config=config, execution_context_class=AcyclicExecutionContext
    )
    descriptions.apply_descriptions(schema._schema, DESCRIPTIONS)
    return schema


def build_schema(
    settings: Settings | None = None,
    persisted: PersistedQueries | None = None,
    shared: SharedState | None = None,
    lane: CostLane | None = None,
) -> strawberry.Schema:
    production = bool(settings and settings.is_production)
    depth = settings.max_query_depth if settings else 12
    aliases = settings.max_aliases if settings else 30
    tokens = settings.max_query_tokens if settings else 3000
    document_limits = partial(
        DocumentLimits,
        max_directives=settings.max_directives if settings else 20,
        max_field_repeats=settings.max_field_repeats if settings else 10,
    )
    # One set of budgets per schema (per gateway process): every request charges the same moving windows.
    budgets = CostBudgets(
        CostPolicy(
            max_cost=settings.query_cost_max if settings else 5000,
            per_member=settings.query_cost_per_member if settings else "20000/minute",
            per_address=settings.query_cost_per_address if settings else "60000/minute",
            budgets_enabled=settings.rate_limits_enabled if settings else True,
        ),
        shared.limits_storage() if shared else None,
    )
    # One lane per schema (per gateway process): heavy operations of every caller queue in it.
    lane = lane or lane_for(
        settings.query_cost_lane_threshold if settings else 1000,
        settings.query_cost_lane_slots if settings else 1,
        settings.query_cost_lane_share if settings else 1.0,
    )
    quotas = KeyQuotas(
        requests=settings.partner_requests_per_key if settings else "300/minute",
        cost=settings.partner_cost_per_key if settings else "20000/minute",
        enabled=settings.rate_limits_enabled if settings else True,
        storage=shared.limits_storage() if shared else None,
    )
    # Keys held to the persisted-query allow-list are refused before PartnerAccess charges their budgets.
    held_keys = settings.allowlisted_keys if settings else []
    allowlisted = (
        [partial(AllowlistedOnly, queries=persisted, held_keys=held_keys)]
        if persisted is not None and held_keys
        else []
    )
    # Query texts this schema parsed and validated clean: a repeated query skips both.
    known = KnownQueries()
    # Their operations' costs, where no page size comes from the variables: a repeated query is priced once.
    costs = KnownCosts()
    # The depth and alias rules are classes that strawberry's limiters build anew in each instance's constructor:
    # built once here, every request's extension reuses them (a class per request was the loop's largest
    # per-request cost and cyclic garbage for the collector).
    shape_rules = [
        *QueryDepthLimiter(max_depth=depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=aliases).validation_rules,
    ]
    # Factories, not instances: strawberry builds a fresh extension for every request.
    extensions: list[Any] = [
        lambda: QueryMemo(known=known),
        lambda: AddValidationRules(shape_rules),
        lambda: MaxTokensLimiter(max_token_count=tokens),
        OperationMetrics,
        ProductionErrorCodes if production else ErrorCodes,
        document_limits,
        IdentifierGuard,
        *allowlisted,
        lambda: PartnerAccess(quotas=quotas),
        lambda: QueryCostLimits(budgets=budgets, lane=lane, known=costs),
    ]
    if production:
        extensions.append(DisableIntrospection)
    schema = copy.copy(converted_schema(production))
    schema.extensions = tuple(extensions)
    return schema
