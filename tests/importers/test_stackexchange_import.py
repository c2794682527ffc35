"""The Stack Exchange import on a small hand-made dump with every kind of damage, through the real services."""
# ruff: noqa: E501 - the dump rows are kept on one line each, as in the real files

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from composition.importers.stackexchange.mapping import ExpertRule
from composition.importers.stackexchange.pipeline import ImportOptions, import_dump
from composition.topology import Topology
from infra.settings import Settings
from tests.factories import Api

BOM = "\ufeff"
HEAD = '<?xml version="1.0" encoding="utf-8"?>'
USERS = f"""{BOM}{HEAD}\r
<users>\r
  <row Id="-1" Reputation="1" CreationDate="2010-08-25T18:10:17.000" DisplayName="Community" />\r
  <row Id="1" Reputation="150" CreationDate="2015-01-01T10:00:00.000" DisplayName="Ann" LastAccessDate="2020-05-05T08:00:00.000" Shoe="42" />\r
  <row Id="2" Reputation="90" CreationDate="2015-01-02T10:00:00.000" DisplayName="Bob" />\r
  <row Id="2" Reputation="90" CreationDate="2015-01-02T10:00:00.000" DisplayName="Bob again" />\r
  <row Id="3" Reputation="1" CreationDate="not-a-date" DisplayName="Dan" />\r
  <row Id="4" Reputation="5" CreationDate="2016-03-01T10:00:00.000" DisplayName="Cléo" />\r
</users>"""
QUESTION_BODY = "&lt;p onclick=&quot;x()&quot;&gt;Flat again&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;"
POSTS = f"""{BOM}{HEAD}
<posts>
  <row Id="10" PostTypeId="1" AcceptedAnswerId="11" CreationDate="2015-02-01T09:00:00.000" Body="{QUESTION_BODY}" OwnerUserId="1" Title="How to fix a flat?" Tags="&lt;repair&gt;&lt;tires&gt;" />
  <row Id="11" PostTypeId="2" ParentId="10" CreationDate="2015-02-01T10:00:00.000" Body="&lt;p&gt;Patch it.&lt;/p&gt;" OwnerUserId="2" />
  <row Id="12" PostTypeId="2" ParentId="10" CreationDate="2015-02-02T10:00:00.000" Body="&lt;p&gt;New tube.&lt;/p&gt;" OwnerDisplayName="gone" />
  <row Id="13" PostTypeId="1" CreationDate="2015-02-03T10:00:00.000" Body="x" OwnerUserId="99" Title="Orphan" Tags="|misc|" />
  <row Id="14" PostTypeId="2" ParentId="13" CreationDate="2015-02-04T10:00:00.000" Body="y" OwnerUserId="1" />
  <row Id="15" PostTypeId="1" CreationDate="2015-02-05T10:00:00.000" Body="Welcome" OwnerUserId="-1" Title="Welcome" Tags="|meta|" />
  <row Id="16" PostTypeId="4" CreationDate="2015-02-06T10:00:00.000" Body="excerpt" OwnerUserId="1" />
  <row Id="17" PostTypeId="1" CreationDate="31/02/2015" Body="z" OwnerUserId="1" Title="Bad date" />
  <row Id="10" PostTypeId="1" CreationDate="2015-02-01T09:00:00.000" Body="dup" OwnerUserId="1" Title="Dup" />
</posts>"""
COMMENTS = f"""{BOM}{HEAD}
<comments>
  <row Id="1" PostId="10" Text="Which tyre?" CreationDate="2015-02-01T09:30:00.000" UserId="4" />
  <row Id="2" PostId="11" Text="Thanks" CreationDate="2015-02-01T11:00:00.000" UserDisplayName="gone" />
  <row Id="3" PostId="13" Text="?" CreationDate="2015-02-03T11:00:00.000" UserId="1" />
  <row Id="4" PostId="10" Text="bot" CreationDate="2015-02-03T11:00:00.000" UserId="-1" />
  <row Id="5" PostId="10" Text="who" CreationDate="2015-02-03T11:00:00.000" UserId="77" />
  <row Id="6" PostId="10" Text="when" CreationDate="soon" UserId="1" />
  <row Id="7" PostId="10" Text="cut here"""
VOTES = f"""{BOM}{HEAD}
<votes>
  <row Id="1" PostId="10" VoteTypeId="2" CreationDate="2015-02-01T00:00:00.000" />
  <row Id="2" PostId="10" VoteTypeId="3" CreationDate="2015-02-02T00:00:00.000" />
  <row Id="3" PostId="11" VoteTypeId="1" CreationDate="2015-02-02T00:00:00.000" />
  <row Id="4" PostId="10" VoteTypeId="5" UserId="4" CreationDate="2015-02-03T00:00:00.000" />
  <row Id="5" PostId="999" VoteTypeId="2" CreationDate="2015-02-03T00:00:00.000" />
  <row Id="6" PostId="10" VoteTypeId="10" CreationDate="2015-02-03T00:00:00.000" />
  <row Id="1" PostId="10" VoteTypeId="2" CreationDate="2015-02-01T00:00:00.000" />
</votes>"""
OPTIONS = ImportOptions(experts=ExpertRule(top=50, min_accepted=1), batch_size=3)
SLUG = "bikes"


def write_dump(folder: Path) -> Path:
    folder.mkdir()
    for name, text in (("Users.xml", USERS), ("Posts.xml", POSTS), ("Comments.xml", COMMENTS), ("Votes.xml", VOTES)):
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


async def run_import(api: Api, folder: Path) -> dict[str, Any]:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    report = await import_dump(services, folder, SLUG, OPTIONS, progress=lambda line: None)
    return report.summary()


def database(settings: Settings, service: str) -> Any:
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri, tz_aware=True)
    return client, client[f"{settings.db_prefix}_{service}"]


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    return write_dump(tmp_path / "dump")


async def test_import_counts_what_it_created_rejected_and_ignored(api: Api, dump: Path) -> None:
    summary = await run_import(api, dump)
    assert (summary["created"], summary["rejected"], summary["ignored"]) == (
        {"members": 3, "content": 4, "events": 8},
        {"members": 2, "content": 4, "events": 5},
        {"members": 1, "content": 1, "events": 2},
    )


async def test_import_reports_each_rejection_reason(api: Api, dump: Path) -> None:
    summary = await run_import(api, dump)
    assert summary["reasons"] == {
        "members": {"bad CreationDate": 1, "duplicate Id": 1},
        "content": {
            "answer to a question that was not imported": 1,
            "bad CreationDate": 1,
            "duplicate Id": 1,
            "owner does not exist": 1,
        },
        "events": {
            "bad CreationDate": 1,
            "commenter does not exist": 1,
            "duplicate Id": 1,
            "post was not imported (deleted, or rejected above)": 2,
        },
    }


async def test_import_reports_a_truncated_file_and_goes_on(api: Api, dump: Path) -> None:
    summary = await run_import(api, dump)
    assert summary["files"]["Comments.xml"]["rows"] == 6
    assert summary["files"]["Comments.xml"]["error"].startswith("malformed XML after 6 rows")
    assert summary["files"]["Votes.xml"]["rows"] == 7


async def test_reimport_creates_nothing_and_skips_everything_created(api: Api, dump: Path) -> None:
    first = await run_import(api, dump)
    second = await run_import(api, dump)
    assert second["created"] == {"members": 0, "content": 0, "events": 0}
    assert second["skipped"] == first["created"]
    assert second["rejected"] == first["rejected"]


async def test_imported_member_keeps_history_and_expert_role(api: Api, dump: Path) -> None:
    await run_import(api, dump)
    client, users = database(api.settings, "users")
    try:
        bob = users.members.find_one({"source_id": "user:2"})
        ann = users.members.find_one({"source_id": "user:1"})
    finally:
        client.close()
    assert (bob["handle"], bob["display_name"], bob["roles"], bob["reputation"]) == (
        "bob-2",
        "Bob",
        ["MEMBER", "EXPERT"],
        90,
    )
    assert (ann["joined_at"].isoformat(), ann["last_seen_at"].isoformat(), ann["roles"]) == (
        "2015-01-01T10:00:00+00:00",
        "2020-05-05T08:00:00+00:00",
        ["MEMBER"],
    )


async def test_imported_member_answers_me_through_the_gateway(api: Api, dump: Path) -> None:
    await run_import(api, dump)
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    community = await services.users.get_community_by_slug(SLUG)
    cleo = await services.users.get_member_by_handle(community.id, "cleo-4")
    token = api.app.state.issuer.issue(member_id=cleo.id, community_id=community.id)  # type: ignore[union-attr]
    data = await api.data("{ me { handle displayName joinedAt roles } }", token=token)
    assert data["me"] == {
        "handle": "cleo-4",
        "displayName": "Cléo",
        "joinedAt": "2016-03-01T10:00:00+00:00",
        "roles": ["MEMBER"],
    }


async def test_imported_question_is_published_with_safe_html_tags_and_date(api: Api, dump: Path) -> None:
    await run_import(api, dump)
    client, content = database(api.settings, "content")
    try:
        question = content.content.find_one({"source_id": "post:10"})
    finally:
        client.close()
    assert (question["status"], question["body"], question["tags"], question["published_at"].isoformat()) == (
        "PUBLISHED",
        "<p>Flat again</p>",
        ["repair", "tires"],
        "2015-02-01T09:00:00+00:00",
    )


async def test_imported_answers_link_to_their_question_and_deleted_authors_are_null(api: Api, dump: Path) -> None:
    await run_import(api, dump)
    client, content = database(api.settings, "content")
    try:
        by_source = {doc["source_id"]: doc for doc in content.content.find({})}
    finally:
        client.close()
    question = by_source["post:10"]
    assert [by_source[s]["parent_id"] for s in ("post:11", "post:12")] == [question["_id"], question["_id"]]
    assert (by_source["post:12"]["author_id"], by_source["post:15"]["author_id"]) == (None, None)
    assert by_source["post:11"]["title"] == "Answer: How to fix a flat?"


async def test_imported_events_bump_item_stats_once(api: Api, dump: Path) -> None:
    await run_import(api, dump)
    await run_import(api, dump)
    client, content = database(api.settings, "content")
    question_id = content.content.find_one({"source_id": "post:10"})["_id"]
    client.close()
    client, distribution = database(api.settings, "distribution")
    try:
        stats = distribution.item_stats.find_one({"content_id": question_id})
        member_events = distribution.events.count_documents({})
        signals = distribution.item_signals.count_documents({})
    finally:
        client.close()
    # Two answers, a comment, an upvote, a downvote and a favourite: 3 + 3 + 2 + 2 + 0 + 2.5.
    assert (stats["counts"], stats["engagement"]) == (
        {"ANSWER": 2, "COMMENT": 1, "VOTE": 1, "DOWNVOTE": 1, "FAVORITE": 1},
        12.5,
    )
    # With a member: answer by Bob, comment by Cleo, acceptance by Ann, favourite by Cleo; the rest name none.
    assert (member_events, signals) == (4, 4)


async def test_import_without_votes_and_comments_imports_the_rest(api: Api, dump: Path) -> None:
    (dump / "Votes.xml").unlink()
    (dump / "Comments.xml").unlink()
    summary = await run_import(api, dump)
    assert (summary["files"]["Votes.xml"], summary["files"]["Comments.xml"]) == ({"missing": True}, {"missing": True})
    # Only the two answers remain as events.
    assert summary["created"] == {"members": 3, "content": 4, "events": 2}


async def test_import_ends_with_a_tier_run_as_of_the_last_activity(api: Api, dump: Path) -> None:
    await run_import(api, dump)
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    community = await services.users.get_community_by_slug(SLUG)
    query = "query($c: ID) { tierRuns(communityId: $c) { members asOf } tierDistribution(communityId: $c) { tier members } }"
    data = await api.data(query, {"c": community.id}, admin=True)
    # The last imported event is the favourite of 2015-02-03: the run scored as of it, and nobody is NEW any more.
    assert [(r["members"], r["asOf"][:10]) for r in data["tierRuns"]] == [(3, "2015-02-03")]
    counts = {e["tier"]: e["members"] for e in data["tierDistribution"] if e["members"]}
    assert counts == {"ACTIVE_CONTRIBUTOR": 1, "CASUAL": 1, "EXPERT": 1}
