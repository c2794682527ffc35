"""The services' import endpoints through their clients: idempotency, tenancy, limits, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from composition.topology import Topology
from content_service.schemas import ContentImportBatch
from distribution_service.schemas import EventImportBatch
from infra.bulk import ImportOutcome
from infra.errors import BadInputError, NotFoundError
from tests.factories import Api, count_documents, create_community, register
from users_service.schemas import MemberImportBatch

WHEN = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def services_of(api: Api) -> Topology:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    return services


def members(*source_ids: str, handle: str | None = None) -> MemberImportBatch:
    rows = [{"sourceId": s, "handle": handle or f"h-{s}", "displayName": s, "joinedAt": WHEN} for s in source_ids]
    return MemberImportBatch.model_validate({"source": "test", "members": rows})


def content(
    author_id: str | None, *source_ids: str, kind: str = "UGC", parent_id: str | None = None
) -> ContentImportBatch:
    rows = [
        {
            "sourceId": s,
            "authorId": author_id,
            "kind": kind,
            "title": s,
            "body": "<b>x</b>",
            "createdAt": WHEN,
            "parentId": parent_id,
        }
        for s in source_ids
    ]
    return ContentImportBatch.model_validate({"source": "test", "items": rows})


def events(member_id: str | None, content_id: str, *source_ids: str) -> EventImportBatch:
    rows = [
        {"sourceId": s, "memberId": member_id, "contentId": content_id, "type": "COMMENT", "occurredAt": WHEN}
        for s in source_ids
    ]
    return EventImportBatch.model_validate({"source": "test", "events": rows})


async def test_member_import_reports_created_then_skipped_with_the_same_id(api: Api) -> None:
    cid = await create_community(api, "club")
    users = services_of(api).users
    first = await users.import_members(cid, members("a", "b"))
    second = await users.import_members(cid, members("a", "b"))
    assert [i.outcome for i in first.items] == [ImportOutcome.CREATED, ImportOutcome.CREATED]
    assert (second.created, second.skipped) == (0, 2)
    assert [i.id for i in second.items] == [i.id for i in first.items]


async def test_member_import_rejects_a_handle_taken_by_a_registered_member(api: Api) -> None:
    cid = await create_community(api, "club")
    await register(api, "club", "alice")
    result = await services_of(api).users.import_members(cid, members("x", handle="ALICE"))
    assert (result.rejected, result.items[0].reason) == (1, "handle is taken")


async def test_member_import_into_an_unknown_community_is_not_found(api: Api) -> None:
    with pytest.raises(NotFoundError, match="no community with id 0123456789abcdef01234567"):
        await services_of(api).users.import_members("0123456789abcdef01234567", members("a"))


def test_batch_of_more_than_a_thousand_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="List should have at most 1000 items"):
        members(*(str(i) for i in range(1001)))


async def test_content_import_rejects_an_author_from_another_community(api: Api) -> None:
    club = await create_community(api, "club")
    await create_community(api, "other")
    stranger = await register(api, "other", "stranger")
    result = await services_of(api).content.import_content(club, content(stranger.id, "p1"))
    assert (result.rejected, result.items[0].reason) == (1, "author is not a member of this community")


async def test_content_import_needs_the_expert_role_for_pgc(api: Api) -> None:
    club = await create_community(api, "club")
    bob = await register(api, "club", "bob")
    result = await services_of(api).content.import_content(club, content(bob.id, "p1", kind="PGC"))
    assert result.items[0].reason == "PGC content needs the EXPERT role"


async def test_content_import_rejects_a_parent_from_another_community(api: Api) -> None:
    services = services_of(api)
    club = await create_community(api, "club")
    other = await create_community(api, "other")
    foreign = (await services.content.import_content(other, content(None, "q"))).items[0].id
    result = await services.content.import_content(club, content(None, "a", parent_id=foreign))
    assert result.items[0].reason == "parent is not content of this community"


async def test_content_import_keeps_the_state_and_dates_it_is_given(api: Api) -> None:
    services = services_of(api)
    club = await create_community(api, "club")
    item_id = (await services.content.import_content(club, content(None, "q"))).items[0].id
    assert item_id is not None
    read = await services.content.get(club, item_id)
    assert (read.status, read.created_at, read.published_at, read.author_id, read.body) == (
        "PUBLISHED",
        WHEN,
        WHEN,
        None,
        "<b>x</b>",
    )


async def test_event_import_rejects_content_of_another_community(api: Api) -> None:
    services = services_of(api)
    club = await create_community(api, "club")
    other = await create_community(api, "other")
    foreign = (await services.content.import_content(other, content(None, "q"))).items[0].id
    assert foreign is not None
    result = await services.distribution.import_events(club, events(None, foreign, "e1"))
    assert (result.rejected, [i.reason for i in result.items]) == (1, ["content is not in this community"])


async def test_event_import_twice_stores_once(api: Api) -> None:
    services = services_of(api)
    club = await create_community(api, "club")
    bob = await register(api, "club", "bob")
    item = (await services.content.import_content(club, content(None, "q"))).items[0].id
    assert item is not None
    first = await services.distribution.import_events(club, events(bob.id, item, "e1", "e2", "e1"))
    second = await services.distribution.import_events(club, events(bob.id, item, "e1", "e2"))
    assert ((first.created, first.skipped), (second.created, second.skipped)) == ((2, 1), (0, 2))


async def test_service_refuses_a_batch_of_more_than_a_thousand_and_writes_nothing(api: Api) -> None:
    services = services_of(api)
    club = await create_community(api, "club")
    rows = [
        {"sourceId": str(i), "handle": f"h{i}", "displayName": "x", "joinedAt": WHEN.isoformat()} for i in range(1001)
    ]
    with pytest.raises(BadInputError, match="^members: List should have at most 1000 items"):
        await services.users._call("POST", f"/communities/{club}/members/import", json={"source": "t", "members": rows})
    assert count_documents(api.settings, "users", "members") == 0
