"""The scope every root field needs from a partner key, in one table, checked in one place (`missing_scope`).

Member tokens and the admin key are not limited by this table: it says what a partner key may reach. A field
marked MEMBER_ONLY is refused to every key (a key cannot mint keys, pay, vote or moderate); PUBLIC needs no
scope. A field absent from the table is refused to keys too, and tests/unit/gateway/test_partner_scopes.py fails
until it is declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)

from users_service.schemas import Scope

MEMBER_ONLY = "member-only"
PUBLIC = "public"

_READ = Scope.CONTENT_READ.value
_WRITE = Scope.CONTENT_WRITE.value
_MEMBERS = Scope.MEMBERS_READ.value
_EVENTS = Scope.EVENTS_WRITE.value
_ANALYTICS = Scope.ANALYTICS_READ.value
_WEBHOOKS = Scope.WEBHOOKS_MANAGE.value

_SCOPED: Mapping[str, tuple[str, ...]] = {
    _READ: (
        "Query.content",
        "Query.contentConnection",
        "Query.contentRevisions",
        "Query.contentVotes",
        "Query.bulletComments",
        "Query.comments",
        "Query.topic",
        "Query.templates",
        "Query.template",
        "Query.campaigns",
        "Query.campaign",
        "Query.offlineEvents",
    ),
    _WRITE: (
        "Mutation.publishContent",
        "Mutation.createContent",
        "Mutation.transitionContent",
        "Mutation.editContent",
        "Mutation.createContentFromTemplate",
    ),
    _MEMBERS: (
        "Query.membersConnection",
        "Query.tierRuns",
        "Query.tierHistory",
        "Query.npsSurveys",
        "Query.npsResponses",
        "Query.governance",
        "Query.proposals",
    ),
    _EVENTS: ("Mutation.recordEvent", "Mutation.recordEvents"),
    _ANALYTICS: (
        "Query.contentMix",
        "Query.revenueReport",
        "Query.incidentMetrics",
        "Query.templatePerformance",
        "Query.tierDistribution",
        "Query.rfmPyramid",
        "Query.npsReport",
        "Query.communityStage",
        "Query.acquisitionReport",
        "Query.healthIndicators",
        "Query.healthIndicator",
        "Query.healthAlerts",
        "Query.campaignReport",
        "Query.offlineEventFunnel",
        "Query.experiments",
        "Query.experiment",
        "Query.experimentAnalysis",
        "Query.experimentResults",
        "Query.exportExperimentResults",
        "Query.experimentPower",
        "Query.job",
        "Query.subCommunities",
    ),
    _WEBHOOKS: (
        "Query.webhookDeliveries",
        "Query.webhookEndpoints",
        "Query.webhookNotices",
        "Query.webhookEventTypes",
        "Mutation.configureWebhook",
        "Mutation.replayWebhookDelivery",
        "Mutation.createWebhookEndpoint",
        "Mutation.updateWebhookEndpoint",
        "Mutation.deleteWebhookEndpoint",
    ),
    PUBLIC: ("Query.community",),
}

_MEMBER_ONLY_QUERIES = (
    "me feed explainFeedItem plans subscriptions billingNotifications products deals trialBalance invoices "
    "invoicePdf inbox slotRates myAuthorRelations contentSettings auditLog moderationQueue hideExplanation "
    "incidents incident exportTemplates draftSuggestions pendingPayouts memberValueSettings ltvModels "
    "trialPrograms apiKeys campaignParticipation myCampaignRewards myCampaignBalance campaignReferralLink "
    "campaignCertificate experimentFlags memberProfile"
)
_MEMBER_ONLY_MUTATIONS = (
    "createCommunity registerUser login grantRole revokeRole createPlan subscribe cancelSubscription changePlan "
    "createCoupon runBillingCycle createProduct purchase bookAdCampaign signDataContract recordReceipt "
    "awardCreator payCreator recordCost refundPayment createInvoiceDraft finalizeInvoice voidInvoice "
    "setPushPreferences followAuthor unfollowAuthor blockAuthor unblockAuthor updateContentSettings voteContent "
    "addBulletComment addComment shareContent openTopic contributeToTopic voteContribution mergeTopic "
    "fileComplaint decideComplaint reportMention updateIncidentStep resolveIncident saveTemplate importTemplates "
    "runContentStar grantExposureBoost recomputeTiers configureMemberValue trainLtvModel startTierRun "
    "startLtvTraining createNpsSurvey closeNpsSurvey respondToNpsSurvey submitProposal reviewProposal "
    "decideProposal recordProposalFeedback "
    "recordAcquisitionSpend createTrialProgram joinTrialProgram createApiKey revokeApiKey computeHealthIndicators "
    "setHealthTarget createCampaign checkInCampaign claimCampaignTask releaseCampaignRewards "
    "clawbackCampaignReward updatePrizeFulfilment attributeCampaignReferral createOfflineEvent "
    "registerOfflineEvent checkInOfflineEvent createExperiment startExperiment setExperimentRollout "
    "setExperimentWeights stopExperiment checkExperimentGuardrails finishExperiment issueClaimCode claimAccount "
    "requestPasswordReset resetPassword sendBatchOffer"
)


def _table() -> dict[str, str]:
    table = {name: scope for scope, names in _SCOPED.items() for name in names}
    table.update({f"Query.{name}": MEMBER_ONLY for name in _MEMBER_ONLY_QUERIES.split()})
    table.update({f"Mutation.{name}": MEMBER_ONLY for name in _MEMBER_ONLY_MUTATIONS.split()})
    return table


ROOT_FIELD_SCOPES: Mapping[str, str] = _table()


def root_fields(document: DocumentNode, operation_name: str | None) -> list[str]:
    """`Type.field` for each root field the operation selects (fragments on the root are followed)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [d for d in operations if d.name is not None and d.name.value == operation_name]
    if len(operations) != 1:
        return []
    operation = operations[0]
    root = "Mutation" if operation.operation.value == "mutation" else "Query"
    names: list[str] = []
    _collect(operation.selection_set.selections, document, names, set())
    return [f"{root}.{name}" for name in names if not name.startswith("__")]


def _collect(selections: Iterable[object], document: DocumentNode, names: list[str], seen: set[str]) -> None:
    for selection in selections:
        if isinstance(selection, FieldNode):
            names.append(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set.selections, document, names, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            for definition in document.definitions:
                if isinstance(definition, FragmentDefinitionNode) and definition.name.value == selection.name.value:
                    _collect(definition.selection_set.selections, document, names, seen)


def missing_scope(fields: Iterable[str], granted: frozenset[str]) -> tuple[str, str] | None:
    """(field, what it needs) for the first root field the key may not reach; None when every one is allowed."""
    for name in fields:
        needed = ROOT_FIELD_SCOPES.get(name, MEMBER_ONLY)
        if needed == PUBLIC or needed in granted:
            continue
        return name, needed
    return None
