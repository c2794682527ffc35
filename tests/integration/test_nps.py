"""NPS through the gateway: surveys, one answer per member, report per period/tier/layer, tier at the time."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import Api, create_community, grant, publish, register

CREATE = "mutation($i: CreateNpsSurveyInput!) { createNpsSurvey(input: $i) { id title question open } }"
RESPOND = """
mutation($i: RespondToNpsSurveyInput!) {
  respondToNpsSurvey(input: $i) { score comment tierAtResponse rfmLayerAtResponse member { handle } }
}
"""
REPORT = """
query($c: ID, $s: ID) {
  npsReport(communityId: $c, surveyId: $s) {
    excellentAbove
    overall { key responses promoters passives detractors nps excellent }
    byPeriod { key nps }
    byTier { key responses nps }
    byLayer { key responses nps }
  }
}
"""


async def _survey(api: Api, cid: str) -> str:
    data = await api.data(CREATE, {"i": {"communityId": cid, "title": "Q1"}}, admin=True)
    survey_id: str = data["createNpsSurvey"]["id"]
    return survey_id


async def test_create_survey_uses_the_standard_question(api: Api) -> None:
    cid = await create_community(api, "demo")
    data = await api.data(CREATE, {"i": {"communityId": cid, "title": "Q1"}}, admin=True)
    assert {k: v for k, v in data["createNpsSurvey"].items() if k != "id"} == {
        "title": "Q1",
        "question": "How likely are you to recommend this community to a friend or colleague?",
        "open": True,
    }


async def test_member_answer_records_their_tier_and_layer_at_the_time(api: Api) -> None:
    cid = await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    survey_id = await _survey(api, cid)
    data = await api.data(RESPOND, {"i": {"surveyId": survey_id, "score": 9, "comment": "great"}}, token=alice.token)
    assert data["respondToNpsSurvey"] == {
        "score": 9,
        "comment": "great",
        "tierAtResponse": "NEW",
        "rfmLayerAtResponse": "BASE",
        "member": {"handle": "alice"},
    }


async def test_answer_keeps_the_old_tier_after_the_member_moves(api: Api) -> None:
    cid = await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    survey_id = await _survey(api, cid)
    await api.data(RESPOND, {"i": {"surveyId": survey_id, "score": 9}}, token=alice.token)
    await publish(api, alice, "first post")
    await api.data(
        "mutation($i: RecomputeTiersInput!) { recomputeTiers(input: $i) { members } }",
        {"i": {"communityId": cid}},
        admin=True,
    )
    data = await api.data(
        "query($c: ID) { npsResponses(communityId: $c) { tierAtResponse member { tier } } }", {"c": cid}, admin=True
    )
    assert data["npsResponses"] == [{"tierAtResponse": "NEW", "member": {"tier": "ACTIVE_CONTRIBUTOR"}}]


async def test_second_answer_to_the_same_survey_is_a_conflict(api: Api) -> None:
    cid = await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    survey_id = await _survey(api, cid)
    await api.data(RESPOND, {"i": {"surveyId": survey_id, "score": 9}}, token=alice.token)
    assert await api.error_code(RESPOND, {"i": {"surveyId": survey_id, "score": 3}}, token=alice.token) == "CONFLICT"


async def test_closed_survey_takes_no_answers(api: Api) -> None:
    cid = await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    survey_id = await _survey(api, cid)
    await api.data(
        "mutation($i: CloseNpsSurveyInput!) { closeNpsSurvey(input: $i) { open } }",
        {"i": {"communityId": cid, "surveyId": survey_id}},
        admin=True,
    )
    assert await api.error_code(RESPOND, {"i": {"surveyId": survey_id, "score": 9}}, token=alice.token) == "CONFLICT"


async def test_survey_id_that_is_path_syntax_is_bad_input_naming_survey_id(api: Api) -> None:
    await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    for survey_id in ("..", ".", "a/b", "0" * 23):
        errors = await api.errors(RESPOND, {"i": {"surveyId": survey_id, "score": 9}}, token=alice.token)
        assert (errors[0]["extensions"]["code"], errors[0]["extensions"]["field"]) == ("BAD_USER_INPUT", "surveyId")


async def test_score_above_ten_is_bad_input_and_writes_nothing(api: Api) -> None:
    cid = await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    survey_id = await _survey(api, cid)
    errors = await api.errors(RESPOND, {"i": {"surveyId": survey_id, "score": 11}}, token=alice.token)
    assert (errors[0]["extensions"]["code"], errors[0]["extensions"]["field"]) == ("BAD_USER_INPUT", "score")
    data = await api.data(REPORT, {"c": cid}, admin=True)
    assert data["npsReport"]["overall"]["responses"] == 0


async def test_report_scores_overall_period_tier_and_layer_against_the_bar(api: Api) -> None:
    cid = await create_community(api, "demo")
    survey_id = await _survey(api, cid)
    for i, score in enumerate([10, 9, 9, 8, 3]):
        member = await register(api, "demo", f"m{i}")
        await api.data(RESPOND, {"i": {"surveyId": survey_id, "score": score}}, token=member.token)
    data = await api.data(REPORT, {"c": cid, "s": survey_id}, admin=True)
    month = f"{datetime.now(UTC):%Y-%m}"
    assert data["npsReport"] == {
        "excellentAbove": 40.0,
        "overall": {
            "key": "ALL",
            "responses": 5,
            "promoters": 3,
            "passives": 1,
            "detractors": 1,
            "nps": 40.0,
            "excellent": False,
        },
        "byPeriod": [{"key": month, "nps": 40.0}],
        "byTier": [{"key": "NEW", "responses": 5, "nps": 40.0}],
        "byLayer": [{"key": "BASE", "responses": 5, "nps": 40.0}],
    }


async def test_member_cannot_answer_another_communitys_survey(api: Api) -> None:
    await create_community(api, "demo")
    other = await create_community(api, "other")
    survey_id = await _survey(api, other)
    alice = await register(api, "demo", "alice")
    assert await api.error_code(RESPOND, {"i": {"surveyId": survey_id, "score": 9}}, token=alice.token) == "NOT_FOUND"


async def test_plain_member_cannot_read_the_report(api: Api) -> None:
    cid = await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    await grant(api, cid, "alice", "EXPERT")
    assert await api.error_code("{ npsReport { overall { nps } } }", token=alice.token) == "FORBIDDEN"
