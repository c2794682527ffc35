"""Lifecycle with per-kind review, revisions, audit, settings and the content mix monitor."""

from __future__ import annotations

from typing import Any

from tests.factories import Api, grant, publish
from tests.integration.content.support import world

CREATE = (
    "mutation($input: CreateContentInput!) { createContent(input: $input) { id status reviewReasons isCommercial } }"
)
TRANSITION = (
    "mutation($input: TransitionContentInput!) { transitionContent(input: $input) { id status reviewReasons } }"
)
EDIT = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"
REVISIONS = "query($id: ID!) { contentRevisions(contentId: $id) { number title body } }"
SETTINGS = """
mutation($input: UpdateContentSettingsInput!) { updateContentSettings(input: $input) { mixTarget reviewRequired } }
"""
AUDIT = "query($t: String) { auditLog(targetId: $t) { action actorId } }"
MIX = """
query($window: Int) {
  contentMix(window: $window) {
    windowDays total alert marginPoints piecesPerWeek piecesPerWeekTarget frequencyAlert
    shares { kind count sharePercent targetPercent deviationPoints alert }
  }
}
"""


async def _create(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api.data(CREATE, {"input": {"title": "T", "body": "B", **fields}}, token=token)
    result: dict[str, Any] = data["createContent"]
    return result


async def test_commercial_goes_to_review_by_default_and_approval_publishes_it(api: Api) -> None:
    w = await world(api)
    created = await _create(api, w.operator.token, kind="COMMERCIAL")
    approved = await api.data(
        TRANSITION, {"input": {"contentId": created["id"], "action": "APPROVE"}}, token=w.operator.token
    )
    assert (created["status"], created["reviewReasons"], created["isCommercial"]) == (
        "REVIEW",
        ["COMMERCIAL content is reviewed in this community"],
        True,
    )
    assert approved["transitionContent"]["status"] == "PUBLISHED"


async def test_ugc_publishes_at_once(api: Api) -> None:
    w = await world(api)
    assert (await _create(api, w.member.token))["status"] == "PUBLISHED"


async def test_text_filter_sends_ugc_to_review(api: Api) -> None:
    w = await world(api)
    await api.data(SETTINGS, {"input": {"blockedWords": ["casino"]}}, token=w.operator.token)
    created = await _create(api, w.member.token, body="Best CASINO deals")
    assert (created["status"], created["reviewReasons"]) == ("REVIEW", ["the text filter flagged: casino"])


async def test_operator_can_require_review_for_ugc_below_a_tier(api: Api) -> None:
    w = await world(api)
    await api.data(SETTINGS, {"input": {"ugcReviewBelowTier": "ACTIVE"}}, token=w.operator.token)
    created = await _create(api, w.member.token)
    assert (created["status"], created["reviewReasons"]) == ("REVIEW", ["UGC from members below ACTIVE is reviewed"])


async def test_pgc_needs_the_expert_role_and_then_publishes(api: Api) -> None:
    w = await world(api)
    forbidden = await api.error_code(
        CREATE, {"input": {"title": "T", "body": "B", "kind": "PGC"}}, token=w.member.token
    )
    await grant(api, w.community_id, "alice", "EXPERT")
    assert (forbidden, (await _create(api, w.member.token, kind="PGC"))["status"]) == ("FORBIDDEN", "PUBLISHED")


async def test_draft_submitted_publishes_and_future_time_schedules(api: Api) -> None:
    w = await world(api)
    draft = await _create(api, w.member.token, draft=True)
    scheduled = await api.data(
        TRANSITION,
        {"input": {"contentId": draft["id"], "action": "PUBLISH", "publishAt": "2999-01-01T00:00:00+00:00"}},
        token=w.member.token,
    )
    assert (draft["status"], scheduled["transitionContent"]["status"]) == ("DRAFT", "SCHEDULED")


async def test_illegal_transition_is_a_conflict(api: Api) -> None:
    w = await world(api)
    code = await api.error_code(
        TRANSITION, {"input": {"contentId": w.content_id, "action": "SUBMIT"}}, token=w.member.token
    )
    assert code == "CONFLICT"


async def test_members_cannot_approve(api: Api) -> None:
    w = await world(api)
    created = await _create(api, w.operator.token, kind="COMMERCIAL")
    code = await api.error_code(
        TRANSITION, {"input": {"contentId": created["id"], "action": "APPROVE"}}, token=w.member.token
    )
    assert code == "FORBIDDEN"


async def test_archive_then_hide_by_operator(api: Api) -> None:
    w = await world(api)
    archived = await api.data(
        TRANSITION, {"input": {"contentId": w.content_id, "action": "ARCHIVE"}}, token=w.member.token
    )
    hidden = await api.data(
        TRANSITION, {"input": {"contentId": w.content_id, "action": "HIDE"}}, token=w.operator.token
    )
    assert (archived["transitionContent"]["status"], hidden["transitionContent"]["status"]) == ("ARCHIVED", "HIDDEN")


async def test_edits_keep_revisions_and_are_audited(api: Api) -> None:
    w = await world(api)
    first = await api.data(EDIT, {"input": {"contentId": w.content_id, "title": "v2"}}, token=w.member.token)
    second = await api.data(EDIT, {"input": {"contentId": w.content_id, "body": "new body"}}, token=w.operator.token)
    revisions = (await api.data(REVISIONS, {"id": w.content_id}, token=w.member.token))["contentRevisions"]
    audit = (await api.data(AUDIT, {"t": w.content_id}, token=w.operator.token))["auditLog"]
    assert (first["editContent"]["revision"], second["editContent"]["revision"]) == (1, 2)
    assert revisions == [
        {"number": 1, "title": "Chain lube", "body": "Chain lube body"},
        {"number": 2, "title": "v2", "body": "Chain lube body"},
    ]
    assert [(a["action"], a["actorId"]) for a in audit] == [
        ("CONTENT_EDITED", w.operator.id),
        ("CONTENT_EDITED", w.member.id),
        ("CONTENT_CREATED", w.member.id),
    ]


async def test_another_member_cannot_edit(api: Api) -> None:
    w = await world(api)
    other = await world(api, "other")
    code = await api.error_code(EDIT, {"input": {"contentId": w.content_id, "title": "x"}}, token=other.member.token)
    assert code == "NOT_FOUND"


async def test_content_mix_against_the_default_target(api: Api) -> None:
    w = await world(api)  # one UGC piece
    await grant(api, w.community_id, "alice", "EXPERT")
    for i in range(3):
        await publish(api, w.member, f"Expert {i}", kind="PGC")
    mix = (await api.data(MIX, token=w.operator.token))["contentMix"]
    assert {
        k: mix[k] for k in ("windowDays", "total", "alert", "marginPoints", "piecesPerWeek", "piecesPerWeekTarget")
    } == {
        "windowDays": 30,
        "total": 4,
        "alert": True,
        "marginPoints": 10.0,
        "piecesPerWeek": 0.93,
        "piecesPerWeekTarget": 3.8,
    }
    assert mix["shares"] == [
        {
            "kind": "PGC",
            "count": 3,
            "sharePercent": 75.0,
            "targetPercent": 60.0,
            "deviationPoints": 15.0,
            "alert": True,
        },
        {
            "kind": "UGC",
            "count": 1,
            "sharePercent": 25.0,
            "targetPercent": 35.0,
            "deviationPoints": -10.0,
            "alert": False,
        },
        {
            "kind": "COMMERCIAL",
            "count": 0,
            "sharePercent": 0.0,
            "targetPercent": 5.0,
            "deviationPoints": -5.0,
            "alert": False,
        },
    ]
    assert mix["frequencyAlert"] is True


async def test_content_mix_window_is_optional_and_checked(api: Api) -> None:
    w = await world(api)
    week = (await api.data(MIX, {"window": 7}, token=w.operator.token))["contentMix"]
    bad = await api.errors(MIX, {"window": 0}, token=w.operator.token)
    assert (week["windowDays"], week["piecesPerWeek"]) == (7, 1.0)
    assert bad[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "window"}


async def test_mix_target_must_add_up_to_100(api: Api) -> None:
    w = await world(api)
    errors = await api.errors(SETTINGS, {"input": {"mixTarget": {"PGC": 70}}}, token=w.operator.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "mixTarget"}


async def test_members_cannot_read_the_content_mix(api: Api) -> None:
    w = await world(api)
    assert await api.error_code(MIX, token=w.member.token) == "FORBIDDEN"


async def test_admin_key_names_the_community_of_an_operator_query(api: Api) -> None:
    w = await world(api)
    query = "query($c: ID) { contentMix(communityId: $c) { total } }"
    named = await api.data(query, {"c": w.community_id}, admin=True)
    unnamed = await api.errors(query, admin=True)
    assert (named["contentMix"], unnamed[0]["extensions"]) == (
        {"total": 1},
        {"code": "BAD_USER_INPUT", "field": "communityId"},
    )


async def test_production_cost_is_recorded_in_minor_units(api: Api) -> None:
    w = await world(api)
    await grant(api, w.community_id, "olga", "EXPERT")  # the cost is shown to operators only
    query = """
    mutation($input: CreateContentInput!) {
      createContent(input: $input) { productionCostMinor productionCostCurrency }
    }
    """
    body = {
        "title": "Episode 1",
        "body": "B",
        "kind": "PGC",
        "productionCostMinor": 10_000_000,
        "productionCostCurrency": "CNY",
    }
    data = await api.data(query, {"input": body}, token=w.operator.token)
    assert data["createContent"] == {"productionCostMinor": 10_000_000, "productionCostCurrency": "CNY"}
