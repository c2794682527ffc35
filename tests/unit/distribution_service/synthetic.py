"""A small community with a planted taste: each member engages with items of one tag, at random ages."""

from __future__ import annotations

import numpy as np

from distribution_service.ranking.history import Catalog, EventLog

DAY = 86_400.0
START = 1_700_000_000.0


def community(*, members: int = 30, items: int = 80, days: int = 60, seed: int = 3) -> tuple[Catalog, EventLog]:
    rng = np.random.default_rng(seed)
    created = START + np.sort(rng.uniform(0, days * DAY, size=items))
    tags: list[tuple[str, ...]] = [(f"t{i % 5}",) for i in range(items)]
    catalog = Catalog(
        content_ids=[f"c{i}" for i in range(items)],
        created=created,
        kinds=["UGC"] * items,
        author_ids=[f"a{i % 7}" for i in range(items)],
        tags=tags,
        author_tiers=[None] * items,
        exposure_boost=np.ones(items),
    )
    member_ids, item_ids, times = [], [], []
    for m in range(members):
        liked = f"t{m % 5}"
        for day in range(5, days, 3):
            t = START + day * DAY + rng.uniform(0, DAY / 2)
            pool = [i for i in range(items) if created[i] < t and tags[i][0] == liked]
            if pool:
                for i in rng.choice(pool, size=min(2, len(pool)), replace=False):
                    member_ids.append(f"m{m}")
                    item_ids.append(int(i))
                    times.append(t + rng.uniform(0, 3600))
    n = len(times)
    log = EventLog.sorted_by_time(member_ids, item_ids, times, [2] * n, [2.0] * n, [False] * n, [False] * n)
    return catalog, log
