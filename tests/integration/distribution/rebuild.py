"""A served decision beside training's rebuild of it: the logged feature matrix, and the matrix training's path
(`load_training_data`, `ItemHistory`, `MemberHistory`, `build_matrix`) makes for the same member, moment and
candidates. Train/serve parity tests compare the two column by column."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC

import numpy as np
from bson import ObjectId

from distribution_service.domain import decision_log
from distribution_service.ranking.dataset import decision_context
from distribution_service.ranking.features import FEATURES, build_matrix
from distribution_service.ranking.history import ItemHistory, MemberHistory, text_rows
from distribution_service.ranking.loader import load_training_data
from tests.factories import Api
from tests.integration.ingest import distribution


@dataclass(frozen=True)
class Rebuilt:
    served: np.ndarray
    rebuilt: np.ndarray
    candidates: list[str]


async def served_and_rebuilt(api: Api, cid: str, slug: str, timezone: str, member_id: str, decision_id: str) -> Rebuilt:
    """The decision's logged matrix and training's rebuild of it (a MORNING, BEFORE_DECISION feed)."""
    service = distribution(api)
    decision = await service.store.decisions.get_decision(ObjectId(cid), ObjectId(decision_id))
    assert decision is not None
    served = decision_log.features(decision)
    candidates = [str(c) for c in decision_log.candidate_ids(decision)]
    at = decision["at"].replace(tzinfo=UTC) if decision["at"].tzinfo is None else decision["at"]
    data = await load_training_data(
        service.store, service.content, community_id=cid, slug=slug, timezone=timezone, since=None, until=at
    )
    text = text_rows(data.catalog)
    items = ItemHistory(data.catalog, data.log, text=text)
    history = MemberHistory(data.catalog, data.log, text=text)
    index = {c: i for i, c in enumerate(data.catalog.content_ids)}
    t = at.timestamp()
    context = replace(
        decision_context(t, timezone, slot="MORNING", scene="BEFORE_DECISION"), tag_shares=items.tag_shares(t)
    )
    rebuilt = build_matrix(
        history.state_at(member_id, t), items.columns_at(np.array([index[c] for c in candidates]), t), context
    )
    return Rebuilt(served.astype(float), rebuilt.astype(float), candidates)


def mismatched(pair: Rebuilt) -> dict[str, tuple[list[float], list[float]]]:
    """The features whose served and rebuilt columns differ (beyond 1e-4; NaN equals NaN), with both
    columns."""
    assert pair.served.shape == pair.rebuilt.shape == (len(pair.candidates), len(FEATURES))
    found = {}
    for k, name in enumerate(FEATURES):
        a, b = pair.served[:, k], pair.rebuilt[:, k]
        same = np.isclose(a, b, rtol=1e-4, atol=1e-4) | (np.isnan(a) & np.isnan(b))
        if not same.all():
            found[name] = (a.tolist(), b.tolist())
    return found


def forget_pools(api: Api) -> None:
    """The next feed prepares its pool afresh and reads counters and tag shares as they are now. A feed may read
    counters up to COUNTERS_TTL_SECONDS and tag shares up to 10 minutes old (documented: docs/ranking.md), while a
    pool rebuilt after RANKING_POOL_TTL_SECONDS takes a new moment; training rebuilds as of that moment, so a test
    comparing the two after earlier feeds (whose impressions were counted since) must not leave that to timing."""
    reader = distribution(api).ranker.reader
    reader._newest.clear()
    reader._newest_at.clear()
    reader._counters.clear()
    reader._pools.clear()
    reader.inputs._tag_shares.clear()
