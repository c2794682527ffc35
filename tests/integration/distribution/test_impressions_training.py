"""Training reads a live decision's shown items as its impressions: the groups it builds are those it built when
the same impressions were stored as events (an older version's database), logged and rebuilt groups alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from bson import ObjectId

from distribution_service.ranking.dataset import Group, Protocol, TrainingData, split_groups
from distribution_service.ranking.loader import load_training_data
from distribution_service.service import DistributionService
from distribution_service.store.decisions import IMPRESSIONS_COUNTED, impressions_of
from tests.factories import Api, register
from tests.integration.distribution.test_feature_parity import TIMEZONE, _community
from tests.integration.ingest import derived, distribution

FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { decisionId items { content { id } } } }"
RECORD_MANY = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok } }"


def comparable(data: TrainingData, groups: list[Group]) -> list[tuple[object, ...]]:
    """Groups with their items as content ids (the catalog's order is no part of a group)."""
    ids = data.catalog.content_ids
    return [
        (
            g.member_id,
            g.at,
            [ids[i] for i in g.items],
            g.labels.tolist(),
            np.nan_to_num(g.features, nan=-999.0).round(5).tolist(),
            None if g.positions is None else g.positions.tolist(),
            g.cold_start,
        )
        for g in groups
    ]


async def groups(service: DistributionService, cid: str, until: datetime) -> tuple[TrainingData, list[Group]]:
    data = await load_training_data(
        service.store, service.content, community_id=cid, slug="parity", timezone=TIMEZONE, since=None, until=until
    )
    train, test = split_groups(data, (data.since + data.until) / 2, protocol=Protocol(alive_days=30), seed=7)
    return data, train + test


async def test_training_groups_are_the_same_from_counted_decisions_as_from_stored_impressions(api: Api) -> None:
    # given: a community with history, three members served feeds and answering them, one engaging afterwards
    cid, member = await _community(api)
    readers = [member, *[await register(api, "parity", f"reader{k}") for k in range(2)]]
    for k, reader in enumerate(readers):
        feed = (await api.data(FEED, token=reader.token))["feed"]
        shown = [i["content"]["id"] for i in feed["items"]]
        answers = [{"contentId": shown[1], "type": "OPEN", "decisionId": feed["decisionId"]}]
        if k == 0:
            answers.append({"contentId": shown[0], "type": "SHARE"})  # unattributed, in the decision's window
        await api.data(RECORD_MANY, {"i": {"events": answers}}, token=reader.token)
    later = await register(api, "parity", "later")
    await api.data(RECORD_MANY, {"i": {"events": [{"contentId": shown[2], "type": "SHARE"}]}}, token=later.token)
    await derived(api)
    service = distribution(api)
    until = datetime.now(UTC) + timedelta(seconds=1)
    counted_data, counted = await groups(service, cid, until)
    # when: the same traffic as an older version logged it (the impressions stored as events, decisions unflagged)
    decisions = service.store.decisions.decisions
    flagged = [d async for d in decisions.find({"community_id": ObjectId(cid), IMPRESSIONS_COUNTED: True})]
    assert len(flagged) == len(readers)
    await service.store.events.events.insert_many(
        [{**e, "community_id": ObjectId(cid), "engaged": False} for d in flagged for e in impressions_of(d)]
    )
    await decisions.update_many({"community_id": ObjectId(cid)}, {"$unset": {IMPRESSIONS_COUNTED: ""}})
    stored_data, stored = await groups(service, cid, until)
    # then
    total = sum(len(d["shown"]) for d in flagged)
    assert int(counted_data.log.is_impression.sum()) == int(stored_data.log.is_impression.sum()) == total
    assert len(counted_data.logged_groups) == len(readers)
    assert len(counted) > len(readers)  # rebuilt groups too, whose features count the impressions
    assert comparable(counted_data, counted) == comparable(stored_data, stored)
