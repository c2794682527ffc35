"""fileComplaint, the moderation queue and explainable auto-hide, through the gateway."""

from __future__ import annotations

from tests.factories import Api, count_documents, register
from tests.integration.content.support import FILE_COMPLAINT, complain, world

HIDE = """
query($id: ID!) {
  hideExplanation(contentId: $id) { threshold totalWeight contributions { memberId tier memberTier weight } restoredAt }
}
"""
DECIDE = "mutation($input: DecideComplaintInput!) { decideComplaint(input: $input) { id status } }"
CONTENT_STATUS = "query($id: ID!) { content(id: $id) { status } }"


async def test_complaint_about_content_is_recorded_open_with_its_flag_weight(api: Api) -> None:
    w = await world(api)
    result = await complain(api, w.member, targetType="CONTENT", targetId=w.content_id, category="SPAM")
    assert {k: result[k] for k in ("targetType", "targetId", "category", "status", "weight", "contentHidden")} == {
        "targetType": "CONTENT",
        "targetId": w.content_id,
        "category": "SPAM",
        "status": "OPEN",
        "weight": 1.0,
        "contentHidden": False,
    }


async def test_the_complaint_that_hides_content_is_stored_as_having_hidden_it(gateway_with: object) -> None:
    async with gateway_with(AUTO_HIDE_THRESHOLD=1.0) as api:  # type: ignore[operator]
        w = await world(api)
        filed = await complain(api, w.member, targetType="CONTENT", targetId=w.content_id, category="SPAM")
        queue = await api.data("{ moderationQueue(status: OPEN) { id contentHidden } }", token=w.operator.token)
        assert (filed["contentHidden"], queue["moderationQueue"]) == (
            True,
            [{"id": filed["id"], "contentHidden": True}],
        )


async def test_complaint_about_a_member_and_about_the_service(api: Api) -> None:
    w = await world(api)
    about_member = await complain(api, w.operator, targetType="MEMBER", targetId=w.member.id, category="ABUSE")
    about_service = await complain(api, w.member, category="SERVICE_QUALITY")
    assert (about_member["targetType"], about_member["targetId"]) == ("MEMBER", w.member.id)
    assert (about_service["targetType"], about_service["targetId"]) == ("SERVICE", None)


async def test_every_category_is_accepted(api: Api) -> None:
    w = await world(api)
    categories = ["SPAM", "ABUSE", "MISINFORMATION", "SERVICE_QUALITY", "LEGAL", "OTHER"]
    got = [(await complain(api, w.member, category=c))["category"] for c in categories]
    assert got == categories


async def test_complaint_about_unknown_content_is_not_found_and_writes_nothing(api: Api) -> None:
    w = await world(api)
    body = {"targetType": "CONTENT", "targetId": "0" * 24, "category": "SPAM", "text": "x"}
    errors = await api.errors(FILE_COMPLAINT, {"input": body}, token=w.member.token)
    assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "targetId"}
    assert count_documents(api.settings, "content", "complaints") == 0


async def test_complaint_about_a_member_needs_target_id(api: Api) -> None:
    w = await world(api)
    errors = await api.errors(
        FILE_COMPLAINT, {"input": {"targetType": "MEMBER", "category": "ABUSE", "text": "x"}}, token=w.member.token
    )
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "targetId"}


async def test_empty_text_is_bad_input(api: Api) -> None:
    w = await world(api)
    errors = await api.errors(
        FILE_COMPLAINT, {"input": {"targetType": "SERVICE", "category": "OTHER", "text": " "}}, token=w.member.token
    )
    assert errors[0]["extensions"]["field"] == "text"
    assert count_documents(api.settings, "content", "complaints") == 0


async def test_weighted_flags_hide_content_and_store_the_explanation(gateway_with: object) -> None:
    async with gateway_with(AUTO_HIDE_THRESHOLD=3.0) as api:  # type: ignore[operator]
        w = await world(api)
        flaggers = [await register(api, "demo", f"flagger{i}") for i in range(3)]
        results = [
            await complain(api, m, targetType="CONTENT", targetId=w.content_id, category="SPAM") for m in flaggers
        ]
        assert [r["contentHidden"] for r in results] == [False, False, True]
        assert (await api.data(CONTENT_STATUS, {"id": w.content_id}, token=w.member.token))["content"] == {
            "status": "HIDDEN"
        }
        explanation = (await api.data(HIDE, {"id": w.content_id}, token=w.operator.token))["hideExplanation"]
        assert explanation == {
            "threshold": 3.0,
            "totalWeight": 3.0,
            "contributions": [{"memberId": m.id, "tier": "NEW", "memberTier": "NEW", "weight": 1.0} for m in flaggers],
            "restoredAt": None,
        }


async def test_second_flag_of_the_same_member_adds_no_weight(gateway_with: object) -> None:
    async with gateway_with(AUTO_HIDE_THRESHOLD=2.0) as api:  # type: ignore[operator]
        w = await world(api)
        for _ in range(3):
            result = await complain(api, w.operator, targetType="CONTENT", targetId=w.content_id, category="SPAM")
        assert result["contentHidden"] is False


async def test_hidden_content_still_accepts_complaints(gateway_with: object) -> None:
    async with gateway_with(AUTO_HIDE_THRESHOLD=1.0) as api:  # type: ignore[operator]
        w = await world(api)
        first = await complain(api, w.member, targetType="CONTENT", targetId=w.content_id, category="SPAM")
        second = await complain(api, w.operator, targetType="CONTENT", targetId=w.content_id, category="LEGAL")
        assert (first["contentHidden"], second["status"]) == (True, "OPEN")
        assert count_documents(api.settings, "content", "complaints") == 2


async def test_dismissing_the_only_flag_restores_auto_hidden_content(gateway_with: object) -> None:
    async with gateway_with(AUTO_HIDE_THRESHOLD=1.0) as api:  # type: ignore[operator]
        w = await world(api)
        flag = await complain(api, w.member, targetType="CONTENT", targetId=w.content_id, category="SPAM")
        decided = await api.data(
            DECIDE, {"input": {"complaintId": flag["id"], "action": "DISMISS"}}, token=w.operator.token
        )
        assert decided["decideComplaint"]["status"] == "DISMISSED"
        status = await api.data(CONTENT_STATUS, {"id": w.content_id}, token=w.member.token)
        assert status["content"] == {"status": "PUBLISHED"}


async def test_upholding_hides_and_a_second_decision_conflicts(api: Api) -> None:
    w = await world(api)
    flag = await complain(api, w.member, targetType="CONTENT", targetId=w.content_id, category="ABUSE")
    await api.data(DECIDE, {"input": {"complaintId": flag["id"], "action": "UPHOLD"}}, token=w.operator.token)
    again = await api.error_code(
        DECIDE, {"input": {"complaintId": flag["id"], "action": "DISMISS"}}, token=w.operator.token
    )
    status = await api.data(CONTENT_STATUS, {"id": w.content_id}, token=w.member.token)
    assert (again, status["content"]["status"]) == ("CONFLICT", "HIDDEN")


async def test_members_cannot_decide_complaints(api: Api) -> None:
    w = await world(api)
    flag = await complain(api, w.member, category="OTHER")
    code = await api.error_code(
        DECIDE, {"input": {"complaintId": flag["id"], "action": "UPHOLD"}}, token=w.member.token
    )
    assert code == "FORBIDDEN"


async def test_moderation_queue_lists_open_complaints_oldest_first(api: Api) -> None:
    w = await world(api)
    first = await complain(api, w.member, category="SPAM")
    second = await complain(api, w.member, category="ABUSE")
    data = await api.data("{ moderationQueue(status: OPEN) { id category } }", token=w.operator.token)
    assert data["moderationQueue"] == [
        {"id": first["id"], "category": "SPAM"},
        {"id": second["id"], "category": "ABUSE"},
    ]


async def test_complaint_cannot_target_another_communitys_content(api: Api) -> None:
    w = await world(api)
    other = await world(api, "other")
    body = {"targetType": "CONTENT", "targetId": other.content_id, "category": "SPAM", "text": "x"}
    errors = await api.errors(FILE_COMPLAINT, {"input": body}, token=w.member.token)
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_dismissing_another_flag_does_not_restore_content_a_moderator_upheld(gateway_with: object) -> None:
    async with gateway_with(AUTO_HIDE_THRESHOLD=1.0) as api:  # type: ignore[operator]
        w = await world(api)
        bob = await register(api, "demo", "bob")
        first = await complain(api, w.member, targetType="CONTENT", targetId=w.content_id, category="SPAM")
        second = await complain(api, bob, targetType="CONTENT", targetId=w.content_id, category="SPAM")
        await api.data(DECIDE, {"input": {"complaintId": first["id"], "action": "UPHOLD"}}, token=w.operator.token)
        await api.data(DECIDE, {"input": {"complaintId": second["id"], "action": "DISMISS"}}, token=w.operator.token)
        status = await api.data(CONTENT_STATUS, {"id": w.content_id}, token=w.operator.token)
        assert (first["contentHidden"], status["content"]["status"]) == (True, "HIDDEN")


async def test_upholding_records_a_moderator_hide(api: Api) -> None:
    w = await world(api)
    flag = await complain(api, w.member, targetType="CONTENT", targetId=w.content_id, category="ABUSE")
    await api.data(DECIDE, {"input": {"complaintId": flag["id"], "action": "UPHOLD"}}, token=w.operator.token)
    assert count_documents(api.settings, "content", "hides") == 1


LIMIT = """
mutation($input: UpdateContentSettingsInput!) { updateContentSettings(input: $input) { complaintsPerMemberPerHour } }
"""


async def test_a_member_past_the_hourly_complaint_limit_is_refused_and_nothing_is_written(api: Api) -> None:
    w = await world(api)
    data = await api.data(LIMIT, {"input": {"complaintsPerMemberPerHour": 2}}, token=w.operator.token)
    assert data["updateContentSettings"] == {"complaintsPerMemberPerHour": 2}
    for _ in range(2):
        await complain(api, w.member, category="SERVICE_QUALITY")
    # when
    payload = {"targetType": "SERVICE", "category": "SERVICE_QUALITY", "text": "again"}
    code = await api.error_code(FILE_COMPLAINT, {"input": payload}, token=w.member.token)
    # then: the member is refused, another member is not
    assert code == "RATE_LIMITED"
    assert count_documents(api.settings, "content", "complaints") == 2
    other = await complain(api, w.operator, category="SERVICE_QUALITY")
    assert other["status"] == "OPEN"
