"""Members ranked together (a slot run's chunk) rank exactly as each ranked alone over the same pool (a feed):
the same items, scores, reasons and logged feature rows."""

from __future__ import annotations

import numpy as np
from bson import ObjectId

from distribution_service.domain import decision_log
from distribution_service.domain.experiment_enums import Channel
from distribution_service.domain.honeycomb import Scene, Slot
from tests.factories import Api, create_community, publish, register
from tests.integration.ingest import derived, distribution
from tests.integration.test_feed_serving import model_text, promoted

RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"


async def test_members_ranked_together_rank_as_each_ranked_alone(api: Api) -> None:
    community_id = await create_community(api, "demo")
    authors = [await register(api, "demo", f"author{i}") for i in range(2)]
    items = [await publish(api, authors[i % 2], f"Piece {i}", tags=[f"t{i % 3}"]) for i in range(8)]
    readers = [await register(api, "demo", f"reader{i}") for i in range(3)]
    for k, reader in enumerate(readers):
        for item in items[k : k + 2 + k]:
            await api.data(RECORD, {"i": {"contentId": item, "type": "OPEN"}}, token=reader.token)
    await derived(api)
    await promoted(api, community_id, "lgbm-newest", model_text("content_age_days", larger_is_better=False))
    ranker = distribution(api).ranker
    cid = ObjectId(community_id)
    members = [m.id for m in [*readers, *authors]]
    batch = await ranker.batch(cid, members, Channel.PUSH)
    args = (Slot.EVENING, Scene.BEFORE_DECISION, 4, "slot", True)
    # when
    together, docs, _ = ranker._rank_all(cid, batch, members, *args)
    alone = [ranker._rank_all(cid, batch, [m], *args) for m in members]
    # then
    assert all(d.shown for d in together)
    assert {d.model_version for d in together} == {"lgbm-newest"}
    for decision, doc, (single, single_docs, _) in zip(together, docs, alone, strict=True):
        assert [(s.content_id, s.score, s.reasons, s.sources) for s in decision.shown] == [
            (s.content_id, s.score, s.reasons, s.sources) for s in single[0].shown
        ]
        np.testing.assert_array_equal(decision_log.features(doc), decision_log.features(single_docs[0]))
        assert decision_log.candidate_ids(doc) == decision_log.candidate_ids(single_docs[0])
