"""Governance through the gateway: proposal → expert review → decision → feedback, committee, panel, adoption."""

from __future__ import annotations

from tests.factories import Api, Member, create_community, grant, register

SUBMIT = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id status author { handle } } }"
REVIEW = """
mutation($i: ReviewProposalInput!) {
  reviewProposal(input: $i) { status recommendation review { note by { handle } } }
}
"""
DECIDE = "mutation($i: DecideProposalInput!) { decideProposal(input: $i) { status decision { note } } }"
FEEDBACK = (
    "mutation($i: RecordProposalFeedbackInput!) { recordProposalFeedback(input: $i) { status feedback { note } } }"
)
GOVERNANCE = """
query($c: ID) {
  governance(communityId: $c) {
    committeeSize committeeTarget expertPanelSize expertPanelTarget adoptionRate targetAdoptionRate
    proposals { status count }
    expertPanel { handle }
  }
}
"""


async def _setup(api: Api) -> tuple[str, Member, Member]:
    cid = await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    expert = await register(api, "demo", "erin")
    await grant(api, cid, "erin", "EXPERT")
    return cid, alice, expert


async def _submit(api: Api, member: Member, title: str = "Faster search") -> str:
    data = await api.data(SUBMIT, {"i": {"title": title, "body": "Index the archive"}}, token=member.token)
    proposal_id: str = data["submitProposal"]["id"]
    return proposal_id


async def test_member_submits_a_proposal(api: Api) -> None:
    _, alice, _ = await _setup(api)
    data = await api.data(SUBMIT, {"i": {"title": "Faster search", "body": "Index it"}}, token=alice.token)
    assert {k: v for k, v in data["submitProposal"].items() if k != "id"} == {
        "status": "SUBMITTED",
        "author": {"handle": "alice"},
    }


async def test_expert_reviews_a_submitted_proposal(api: Api) -> None:
    _, alice, expert = await _setup(api)
    pid = await _submit(api, alice)
    data = await api.data(
        REVIEW, {"i": {"proposalId": pid, "recommendation": "APPROVE", "note": "worth it"}}, token=expert.token
    )
    assert data["reviewProposal"] == {
        "status": "REVIEWED",
        "recommendation": "APPROVE",
        "review": {"note": "worth it", "by": {"handle": "erin"}},
    }


async def test_member_without_expert_role_cannot_review(api: Api) -> None:
    _, alice, _ = await _setup(api)
    pid = await _submit(api, alice)
    code = await api.error_code(REVIEW, {"i": {"proposalId": pid, "recommendation": "APPROVE"}}, token=alice.token)
    assert code == "FORBIDDEN"


async def test_decision_before_review_is_a_conflict(api: Api) -> None:
    cid, alice, _ = await _setup(api)
    pid = await _submit(api, alice)
    code = await api.error_code(DECIDE, {"i": {"communityId": cid, "proposalId": pid, "adopt": True}}, admin=True)
    assert code == "CONFLICT"


async def test_full_loop_ends_implemented_with_feedback(api: Api) -> None:
    cid, alice, expert = await _setup(api)
    pid = await _submit(api, alice)
    await api.data(REVIEW, {"i": {"proposalId": pid, "recommendation": "APPROVE"}}, token=expert.token)
    await api.data(DECIDE, {"i": {"communityId": cid, "proposalId": pid, "adopt": True, "note": "go"}}, admin=True)
    data = await api.data(FEEDBACK, {"i": {"communityId": cid, "proposalId": pid, "note": "shipped"}}, admin=True)
    assert data["recordProposalFeedback"] == {"status": "IMPLEMENTED", "feedback": {"note": "shipped"}}


async def test_governance_shows_adoption_rate_and_panel_against_targets(api: Api) -> None:
    cid, alice, expert = await _setup(api)
    for title, adopt in (("one", True), ("two", True), ("three", False)):
        pid = await _submit(api, alice, title)
        await api.data(REVIEW, {"i": {"proposalId": pid, "recommendation": "APPROVE"}}, token=expert.token)
        await api.data(DECIDE, {"i": {"communityId": cid, "proposalId": pid, "adopt": adopt}}, admin=True)
    await _submit(api, alice, "four")
    data = await api.data(GOVERNANCE, token=alice.token)
    assert data["governance"] == {
        "committeeSize": 0,
        "committeeTarget": 500,
        "expertPanelSize": 1,
        "expertPanelTarget": 100,
        "adoptionRate": 0.6667,
        "targetAdoptionRate": 0.67,
        "proposals": [
            {"status": "SUBMITTED", "count": 1},
            {"status": "REVIEWED", "count": 0},
            {"status": "ADOPTED", "count": 2},
            {"status": "REJECTED", "count": 1},
            {"status": "IMPLEMENTED", "count": 0},
        ],
        "expertPanel": [{"handle": "erin"}],
    }


async def test_committee_is_the_core_layer_after_a_run(api: Api) -> None:
    cid, alice, _ = await _setup(api)
    for i in range(8):
        await register(api, "demo", f"q{i}")
    # alice pays: the only member with any RFM signal, so the core layer (10% of 10 = 1) is her.
    plan = await api.data(
        "mutation($i: CreatePlanInput!) { createPlan(input: $i) { id } }",
        {"i": {"communityId": cid, "name": "Gold", "priceCents": 100, "currency": "CNY", "interval": "MONTH"}},
        admin=True,
    )
    await api.data(
        "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { status } } }",
        {"i": {"planId": plan["createPlan"]["id"], "idempotencyKey": "k"}},
        token=alice.token,
    )
    await api.data(
        "mutation($i: RecomputeTiersInput!) { recomputeTiers(input: $i) { members } }",
        {"i": {"communityId": cid}},
        admin=True,
    )
    data = await api.data("{ governance { committeeSize committee { handle } } }", token=alice.token)
    assert data["governance"] == {"committeeSize": 1, "committee": [{"handle": "alice"}]}


async def test_proposal_of_another_community_is_not_found(api: Api) -> None:
    _, alice, _ = await _setup(api)
    pid = await _submit(api, alice)
    other = await create_community(api, "other")
    olga = await register(api, "other", "olga")
    await grant(api, other, "olga", "EXPERT")
    code = await api.error_code(REVIEW, {"i": {"proposalId": pid, "recommendation": "APPROVE"}}, token=olga.token)
    assert code == "NOT_FOUND"
