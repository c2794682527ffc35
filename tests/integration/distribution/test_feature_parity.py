"""Train/serve parity: the feature matrix a live feed logs for a decision is the matrix training's path rebuilds
for the same member, moment and candidates, column by column (NaN where both are NaN)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from distribution_service.ranking.features import FEATURES
from tests.factories import Api, Member, create_community, publish, register
from tests.integration.distribution.rebuild import mismatched, served_and_rebuilt
from tests.integration.ingest import derived

FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { decisionId } }"
RECORD_MANY = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok } }"
TAGS = (["python", "web"], ["rust"], ["python", "data"], ["sql", "data"])
TIMEZONE = "Asia/Shanghai"


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def _community(api: Api) -> tuple[str, Member]:
    """A tiny community: items of several tags by two authors, and members whose answers, shares, comments,
    opens and downvotes (minutes to a day and a half ago) make every feature take a real value."""
    cid = await create_community(api, "parity", timezone=TIMEZONE)
    authors = [await register(api, "parity", f"author{k}") for k in range(2)]
    items = [
        await publish(api, authors[i % 2], f"Piece {i} about {TAGS[i % 4][0]}", tags=TAGS[i % 4]) for i in range(12)
    ]
    members = [await register(api, "parity", f"m{k}") for k in range(4)]
    now = datetime.now(UTC)
    kinds = ("ANSWER", "SHARE", "COMMENT", "OPEN", "VOTE", "DOWNVOTE", "CLICK")
    for k, member in enumerate(members):
        events = [
            {
                # The last member reads only the first third: the rest, engaged with by others, are their candidates.
                "contentId": items[(3 * k + 5 * n) % (8 if k == 3 else len(items))],
                "type": kinds[(k + n) % len(kinds)],
                # Well before the feed (features read whole seconds), none at midnight (a date-only stamp).
                "occurredAt": _iso(now - timedelta(minutes=7 + 83 * n + 11 * k, seconds=13)),
            }
            for n in range(12 + 2 * k)
        ]
        await api.data(RECORD_MANY, {"i": {"events": events}}, token=member.token)
    await derived(api)
    return cid, members[3]


async def test_a_served_decision_has_the_features_training_rebuilds_for_it(api: Api) -> None:
    # given
    cid, member = await _community(api)
    # when: the member's live feed, logged with its feature matrix
    feed = await api.data(FEED, token=member.token)
    # then: training's path, as of the decision's moment, for the same candidates, gives the same matrix
    pair = await served_and_rebuilt(api, cid, "parity", TIMEZONE, member.id, feed["feed"]["decisionId"])
    assert len(pair.candidates) >= 3
    assert mismatched(pair) == {}
    # The fixture exercised the features, not only their empty values.
    for name in ("member_answer_share", "content_answers", "cross_tag_lift", "cross_text_similarity"):
        column = pair.served[:, FEATURES.index(name)]
        assert not math.isnan(float(column[0])), name
        assert float(np.nanmax(column)) > 0, name
