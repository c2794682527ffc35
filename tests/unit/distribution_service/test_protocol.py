"""The evaluation protocol: every positive is a candidate the pool could have offered, own items never are, and
date-only events anchor at the start of their day but are known only from the next."""

from __future__ import annotations

import numpy as np

from distribution_service.ranking.dataset import ALIVE_DAYS, Protocol, engagement_groups
from distribution_service.ranking.history import Catalog, EventLog, ItemHistory
from tests.unit.distribution_service.synthetic import DAY, START, community


def leaky_community() -> tuple[Catalog, EventLog]:
    """The synthetic community, plus members coming back to old, idle items and to their own items."""
    base, log = community(days=120)
    # Ten archive items, months old and never touched: dead at every decision.
    archive = 10
    catalog = Catalog(
        content_ids=[*base.content_ids, *(f"old{i}" for i in range(archive))],
        created=np.concatenate([base.created, np.full(archive, START - 200 * DAY)]),
        kinds=[*base.kinds, *(["UGC"] * archive)],
        author_ids=[*base.author_ids, *(["z"] * archive)],
        tags=[*base.tags, *([("t0",)] * archive)],
        author_tiers=[*base.author_tiers, *([None] * archive)],
        exposure_boost=np.ones(len(base) + archive),
    )
    old = list(range(len(base), len(catalog)))
    # Authors a0..a6 are also members who engage: with their own items, and with the dead archive.
    members, items, times = list(log.member_ids), list(log.items), list(log.times)
    rng = np.random.default_rng(5)
    for day in range(70, 120, 2):
        t = START + day * DAY + 3600
        author = f"a{day % 7}"
        own = [i for i in range(len(catalog)) if catalog.author_ids[i] == author and catalog.created[i] < t]
        for item in (rng.choice(own), rng.choice(old)):
            members.append(author)
            items.append(int(item))
            times.append(t + rng.uniform(0, 600))
    n = len(times)
    return catalog, EventLog.sorted_by_time(members, items, times, [2] * n, [2.0] * n, [False] * n, [False] * n)


def test_every_positive_is_in_its_groups_pool_by_brute_force() -> None:
    catalog, log = leaky_community()
    protocol = Protocol()
    groups = engagement_groups(catalog, log, since=START, until=START + 121 * DAY, protocol=protocol)
    assert len(groups) > 100
    for g in groups:
        for item in g.items[g.labels > 0]:
            # Alive, recomputed from the raw log: created before t, and created or active in the last 30 days.
            created = catalog.created[item]
            active = log.times[(log.items == item) & (log.grades > 0) & (log.known < g.at)]
            assert created < g.at
            assert created >= g.at - ALIVE_DAYS * DAY or (active >= g.at - ALIVE_DAYS * DAY).any()
            assert catalog.author_ids[item] != g.member_id
            before = log.items[(log.member_ids == g.member_id) & (log.known < g.at) & (log.grades > 0)]
            assert item not in before
        assert (g.labels == 0).any()
    assert protocol.positives_outside_pool == 0
    assert protocol.positives_dropped["own_item"] > 0
    assert protocol.positives_dropped["not_alive"] > 0
    assert protocol.own_items_excluded > 0
    assert sum(protocol.groups_dropped.values()) > 0


def test_members_own_items_are_never_candidates() -> None:
    catalog, log = leaky_community()
    groups = engagement_groups(catalog, log, since=START, until=START + 121 * DAY)
    authored = [g for g in groups if g.member_id.startswith("a")]
    assert authored
    assert all(catalog.author_ids[i] != g.member_id for g in authored for i in g.items)


def test_a_date_only_event_anchors_at_its_day_start_and_is_known_from_the_next_day() -> None:
    catalog, _ = community(members=2, items=5)
    day = START - START % DAY + 40 * DAY
    # A favourite dated `day` (a day, no time), known the next day.
    log = EventLog.sorted_by_time(["m"], [1], [day], [2], [2.0], [False], [False], known=[day + DAY])
    history = ItemHistory(catalog, log)
    assert log.times[0] == day
    assert history.columns_at(np.array([1]), day + 10 * 3600).engagement[0] == 0.0
    assert history.columns_at(np.array([1]), day + DAY + 1).engagement[0] == 2.0


def test_a_shorter_anchor_gap_opens_more_groups_under_the_same_pool_rule() -> None:
    catalog, log = community(members=10, items=40, days=30)
    until = START + 31 * DAY
    usual = engagement_groups(catalog, log, since=START, until=until)
    protocol = Protocol()
    every = engagement_groups(catalog, log, since=START, until=until, anchor_gap=0.0, protocol=protocol)
    assert len(every) > len(usual)
    assert protocol.positives_outside_pool == 0
    # The usual groups (one per member per label window) are a subset of the anchors.
    assert {(g.member_id, g.at) for g in usual} <= {(g.member_id, g.at) for g in every}
