"""Operator-only fields are closed to plain members at the gateway, the one place that checks the role.

Closed by default: every root field answers FORBIDDEN to a member without OPERATOR unless it is listed here as
open to members, so a new field is either checked (GatewayContext.require_operator) or listed on purpose.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.schema_calls import Community, RootField, call, community_gateway, graphql_schema, root_fields

# Any member (their own data or their community's), anyone (sign-up, login, a community by slug), or a member
# whose rights the service decides from the piece (author or operator edits, expert reviews).
OPEN_TO_MEMBERS = frozenset(
    {
        "query.community",
        "query.me",
        "query.content",
        "query.contentConnection",
        "query.feed",
        "query.explainFeedItem",
        "query.plans",
        "query.products",
        "query.invoices",
        "query.invoicePdf",
        "query.inbox",
        "query.myAuthorRelations",
        "query.experimentFlags",
        "query.contentRevisions",
        "query.contentVotes",
        "query.bulletComments",
        "query.comments",
        "query.topic",
        "query.templates",
        "query.template",
        "query.templatePerformance",
        "query.draftSuggestions",
        "query.npsSurveys",
        "query.governance",
        "query.proposals",
        "mutation.registerUser",
        "mutation.login",
        "mutation.publishContent",
        "mutation.recordEvent",
        "mutation.recordEvents",
        "mutation.subscribe",
        "mutation.cancelSubscription",
        "mutation.changePlan",
        "mutation.purchase",
        "mutation.setPushPreferences",
        "mutation.followAuthor",
        "mutation.unfollowAuthor",
        "mutation.blockAuthor",
        "mutation.unblockAuthor",
        "mutation.createContent",
        "mutation.transitionContent",
        "mutation.editContent",
        "mutation.voteContent",
        "mutation.addBulletComment",
        "mutation.addComment",
        "mutation.shareContent",
        "mutation.openTopic",
        "mutation.contributeToTopic",
        "mutation.voteContribution",
        "mutation.mergeTopic",
        "mutation.fileComplaint",
        "mutation.createContentFromTemplate",
        "mutation.respondToNpsSurvey",
        "mutation.submitProposal",
        "mutation.reviewProposal",
        "mutation.joinTrialProgram",
        "query.campaigns",
        "query.campaign",
        "query.campaignParticipation",
        "query.myCampaignRewards",
        "query.myCampaignBalance",
        "query.campaignReferralLink",
        "query.campaignCertificate",
        "query.offlineEvents",
        "mutation.checkInCampaign",
        "mutation.claimCampaignTask",
        "mutation.attributeCampaignReferral",
        "mutation.registerOfflineEvent",
        "query.memberProfile",
        "mutation.claimAccount",
        "mutation.requestPasswordReset",
        "mutation.resetPassword",
    }
)
FIELDS = root_fields(graphql_schema())
CLOSED = [root for root in FIELDS if root.label not in OPEN_TO_MEMBERS]


@pytest.fixture(scope="module")
async def community(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Community]:
    async with community_gateway(mongo_uri, tmp_path_factory.mktemp("operators")) as community:
        yield community


def test_every_listed_field_exists() -> None:
    assert OPEN_TO_MEMBERS <= {root.label for root in FIELDS}


@pytest.mark.parametrize("root", CLOSED, ids=[root.label for root in CLOSED])
async def test_member_without_operator_role_is_forbidden(community: Community, root: RootField) -> None:
    # given a member of the community without the OPERATOR role, and otherwise valid arguments
    document, variables = call(root, {"communityId": community.id})
    # when they call an operator-only field
    body = await community.api.post(document, variables, token=community.member.token)
    # then the gateway refuses it, and nothing answers
    codes = [e["extensions"]["code"] for e in body.get("errors") or []]
    assert codes == ["FORBIDDEN"], body
    assert (body.get("data") or {}).get(root.name) is None
