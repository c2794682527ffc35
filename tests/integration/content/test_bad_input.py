"""Bad input is BAD_USER_INPUT naming the field (or a CONFLICT), never INTERNAL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bson import ObjectId
from pymongo import UpdateOne

from infra.errors import ConflictError
from tests.factories import Api
from tests.integration.content.support import content_app, world

CREATE = "mutation($input: CreateContentInput!) { createContent(input: $input) { status } }"
TRANSITION = "mutation($input: TransitionContentInput!) { transitionContent(input: $input) { status } }"
MENTION = "mutation($input: ReportMentionInput!) { reportMention(input: $input) { duplicate } }"
RUN = "mutation($input: RunContentStarInput!) { runContentStar(input: $input) { month } }"
STEP = "mutation($input: UpdateIncidentStepInput!) { updateIncidentStep(input: $input) { id } }"
REPLAY = "mutation($input: ReplayWebhookDeliveryInput!) { replayWebhookDelivery(input: $input) { eventId } }"


async def test_a_naive_publish_time_is_read_as_utc(api: Api) -> None:
    w = await world(api)
    created = await api.data(
        CREATE, {"input": {"title": "T", "body": "B", "publishAt": "2999-01-01T00:00:00"}}, token=w.member.token
    )
    assert created["createContent"]["status"] == "SCHEDULED"


async def test_a_naive_publish_time_on_a_transition_is_read_as_utc(api: Api) -> None:
    w = await world(api)
    draft = await api.data(
        "mutation($input: CreateContentInput!) { createContent(input: $input) { id } }",
        {"input": {"title": "T", "body": "B", "draft": True}},
        token=w.member.token,
    )
    cid = draft["createContent"]["id"]
    moved = await api.data(
        TRANSITION,
        {"input": {"contentId": cid, "action": "PUBLISH", "publishAt": "2999-01-01T00:00:00"}},
        token=w.member.token,
    )
    assert moved["transitionContent"]["status"] == "SCHEDULED"


async def test_a_naive_mention_time_is_read_as_utc(api: Api) -> None:
    w = await world(api)
    payload = {
        "platform": "weibo",
        "url": "https://weibo.example/p/1",
        "sentiment": "NEGATIVE",
        "occurredAt": datetime.now(UTC).replace(tzinfo=None).isoformat(),
    }
    assert (await api.data(MENTION, {"input": payload}, token=w.operator.token))["reportMention"] == {
        "duplicate": False
    }


@pytest.mark.parametrize("month", ["0000-01", "9999-12"])
async def test_a_month_out_of_range_names_month(api: Api, month: str) -> None:
    w = await world(api)
    errors = await api.errors(RUN, {"input": {"month": month}}, token=w.operator.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "month"}


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        ("query($id: ID!) { contentVotes(contentId: $id) { up } }", {"id": "nope"}, "contentId"),
        ("query($id: ID!) { topic(id: $id) { id } }", {"id": ".."}, "id"),
        (STEP, {"input": {"incidentId": "..", "step": "FACTS_CONFIRMED"}}, "incidentId"),
        (REPLAY, {"input": {"eventId": "../x"}}, "eventId"),
    ],
)
async def test_malformed_ids_name_their_field(api: Api, query: str, variables: dict[str, object], field: str) -> None:
    w = await world(api)
    errors = await api.errors(query, variables, token=w.operator.token)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_a_template_write_whose_version_moved_on_is_a_conflict(api: Api) -> None:
    await world(api)
    store = content_app(api).state.store.templates
    stale = UpdateOne({"_id": ObjectId(), "version": 1}, {"$set": {"version": 2}})
    with pytest.raises(ConflictError, match="the library changed meanwhile; read it again"):
        await store.write_library([stale], [], session=None)


async def test_a_duplicate_template_version_is_a_conflict(api: Api) -> None:
    await world(api)
    store = content_app(api).state.store.templates
    doc = {"template_id": ObjectId(), "version": 1, "spec": {}, "created_at": datetime.now(UTC)}
    await store.write_library([], [dict(doc)], session=None)
    with pytest.raises(ConflictError, match="the library changed meanwhile; read it again"):
        await store.write_library([], [dict(doc)], session=None)
