"""A question's activity includes its thread's: a comment or a vote on one of its answers (imported or live)
advances the question's `last_at` counter, which serving reads, and training's `last_activity` counts the same
events (docs/ranking.md, "Thread activity")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from bson import ObjectId

from composition.importers.stackexchange.pipeline import import_dump
from composition.topology import Topology
from distribution_service.ranking.history import ItemHistory
from distribution_service.ranking.loader import load_history
from tests.factories import Api, register
from tests.integration.ingest import derived, distribution

SLUG = "threads"
DAY0 = datetime(2021, 6, 1, tzinfo=UTC)
HEAD = '<?xml version="1.0" encoding="utf-8"?>'
RECORD = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok } }"


def _at(days: float) -> str:
    return (DAY0 + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000")


def _write_dump(folder: Path) -> None:
    """Question 10 (day 0) with answer 11 (day 1, 06:00); later only the answer is discussed: a comment on day 40 and an
    anonymous up-vote dated day 45."""
    folder.mkdir()
    files = {
        "Users.xml": ("users", [f'<row Id="{u}" CreationDate="{_at(-1)}" DisplayName="U{u}" />' for u in (1, 2)]),
        "Posts.xml": (
            "posts",
            [
                f'<row Id="10" PostTypeId="1" CreationDate="{_at(0)}" Body="b" OwnerUserId="1" Title="Q" Tags="|t|" />',
                f'<row Id="11" PostTypeId="2" ParentId="10" CreationDate="{_at(1.25)}" Body="a" OwnerUserId="2" />',
            ],
        ),
        "Comments.xml": ("comments", [f'<row Id="1" PostId="11" Text="c" CreationDate="{_at(40.5)}" UserId="1" />']),
        "Votes.xml": (
            "votes",
            [f'<row Id="1" PostId="11" VoteTypeId="2" CreationDate="{_at(45)[:10]}T00:00:00.000" />'],
        ),
    }
    for name, (root, rows) in files.items():
        (folder / name).write_text("\ufeff" + HEAD + f"\n<{root}>\n" + "\n".join(rows) + f"\n</{root}>")


async def test_activity_on_an_answer_is_activity_of_its_question_for_serving_and_training(
    api: Api, tmp_path: Path
) -> None:
    # given: an imported question whose answer alone is discussed later
    _write_dump(tmp_path / "dump")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    await import_dump(services, tmp_path / "dump", SLUG, progress=lambda line: None)
    cid = (await services.users.get_community_by_slug(SLUG)).id
    ids = await services.content.content_ids_by_source(cid, "stackexchange", ["post:10", "post:11"])
    question, answer = ids["post:10"], ids["post:11"]
    store = distribution(api).store
    stats = await store.events.list_item_stats(ObjectId(cid), [ObjectId(question)])
    # then: the vote (dated day 45, stored at its midnight) is the question's last activity for serving
    assert stats[question]["last_at"].replace(tzinfo=UTC) == DAY0 + timedelta(days=45)
    # The answer's signals move no counter of the question but its last activity.
    assert set(stats[question]["counts"]) == {"ANSWER"}
    # when: a member votes on the answer live
    member = await register(api, SLUG, "live")
    await api.data(RECORD, {"i": {"events": [{"contentId": answer, "type": "VOTE"}]}}, token=member.token)
    await derived(api)
    stats = await store.events.list_item_stats(ObjectId(cid), [ObjectId(question)])
    live = stats[question]["last_at"].replace(tzinfo=UTC)
    assert live > DAY0 + timedelta(days=400)
    # then: training's view of the question's last activity is the same events, as of any moment
    catalog, log = await load_history(
        store, services.content, community_id=cid, until=datetime.now(UTC) + timedelta(seconds=1), item_ids=[]
    )
    history = ItemHistory(catalog, log)
    q = np.array([catalog.content_ids.index(question)])
    last = {days: float(history.last_activity(q, (DAY0 + timedelta(days=days)).timestamp())[0]) for days in (30, 42)}
    assert last[30] == (DAY0 + timedelta(days=1.25)).timestamp()  # the answer
    assert last[42] == (DAY0 + timedelta(days=40.5)).timestamp()  # the comment on the answer
    now = history.last_activity(q, datetime.now(UTC).timestamp() + 1)[0]
    assert abs(now - live.timestamp()) < 1e-3
