"""Every feature of a sample of rebuilt groups, recomputed by brute force from the raw event log: one loop per
value, reading only events known strictly before the group's moment. A feature that peeked at its own group's
future (or at anything after t) would disagree here."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from distribution_service.ranking.dataset import SLOT_HOURS, engagement_groups
from distribution_service.ranking.features import (
    FEATURES,
    NEVER_DAYS,
    PRIOR_ENGAGEMENT_RATE,
    PRIOR_OPEN_RATE,
    PRIOR_STRENGTH,
    TAG_LIFT_SMOOTHING,
    popularity_window_start,
)
from distribution_service.ranking.history import Catalog, EventLog, text_rows
from distribution_service.ranking.member_features import HISTORY_LIMIT
from distribution_service.ranking.text import item_text

DAY = 86_400.0
START = 1_700_000_000.0
WORDS = {
    "t0": "wallet ledger seed phrase restore",
    "t1": "stake pool delegation rewards epoch",
    "t2": "plutus script datum redeemer validator",
    "t3": "node sync relay topology peers",
    "t4": "token mint policy metadata asset",
}


def rich_community(seed: int = 11) -> tuple[Catalog, EventLog]:
    """Members who are also authors, items with several tags and text, grades 1 to 3, date-only events known a
    day later: every feature has something to read."""
    rng = np.random.default_rng(seed)
    n_items, n_members, days = 90, 16, 70
    created = START + np.sort(rng.uniform(0, days * DAY, size=n_items))
    tags = [tuple(sorted({f"t{i % 5}", f"t{rng.integers(5)}"})) for i in range(n_items)]
    texts = []
    for i in range(n_items):
        words = " ".join(rng.choice(" ".join(WORDS[t] for t in tags[i]).split(), size=6))
        texts.append(item_text(f"question {i} {words}", f"<p>{words} details</p>", tags[i]))
    catalog = Catalog(
        content_ids=[f"c{i}" for i in range(n_items)],
        created=created,
        kinds=["UGC"] * n_items,
        author_ids=[f"m{i % n_members}" for i in range(n_items)],
        tags=tags,
        author_tiers=[None] * n_items,
        exposure_boost=np.ones(n_items),
        texts=texts,
    )
    members, items, times, known, grades = [], [], [], [], []
    for m in range(n_members):
        liked = f"t{m % 5}"
        for day in range(3, days, 2):
            t = START + day * DAY + rng.uniform(0, DAY / 2)
            pool = [i for i in range(n_items) if created[i] < t and liked in tags[i]]
            for i in rng.choice(pool, size=min(2, len(pool)), replace=False) if pool else []:
                date_only = rng.random() < 0.2
                at = (t // DAY) * DAY if date_only else t + rng.uniform(0, 3600)
                members.append(f"m{m}" if rng.random() > 0.1 else "")
                items.append(int(i))
                times.append(at)
                known.append(at + DAY if date_only else at)
                grades.append(int(rng.integers(1, 4)))
    n = len(times)
    log = EventLog.sorted_by_time(
        members, items, times, grades, [float(g) for g in grades], [False] * n, [False] * n, known=known
    )
    return catalog, log


def _share(keys: list[str], weights: list[float], key: str) -> float:
    total = sum(weights)
    return sum(w for k, w in zip(keys, weights, strict=True) if k == key) / total if total else 0.0


def brute_force(catalog: Catalog, log: EventLog, member: str, t: float, item: int) -> dict[str, float]:
    """Every feature of one candidate, from the raw log, one event at a time."""
    before = [e for e in range(len(log)) if log.grades[e] > 0 and math.floor(log.known[e]) < math.floor(t)]
    # The member's last HISTORY_LIMIT engagements known before t: what serving reads of them.
    mine = sorted((e for e in before if log.member_ids[e] == member), key=lambda e: log.known[e])[-HISTORY_LIMIT:]
    on_item = [e for e in before if log.items[e] == item]
    weights = [float(log.weights[e]) for e in mine]
    past_items = [int(log.items[e]) for e in mine]
    local = datetime.fromtimestamp(t, UTC)
    hour = local.hour + local.minute / 60.0
    slot = min(SLOT_HOURS, key=lambda s: min(abs(hour - SLOT_HOURS[s]), 24 - abs(hour - SLOT_HOURS[s])))
    engagement = sum(float(log.weights[e]) for e in on_item)
    age = (t - catalog.created[item]) / DAY
    window = math.floor(popularity_window_start(t))
    last = max([float(log.known[e]) for e in on_item], default=float(catalog.created[item]))
    tag_keys = [tag for i in past_items for tag in catalog.tags[i]]
    tag_weights = [w for i, w in zip(past_items, weights, strict=True) for _ in catalog.tags[i]]
    community_tag = {
        tag: sum(float(log.weights[e]) for e in before if tag in catalog.tags[log.items[e]])
        for tag in {tag for tags in catalog.tags for tag in tags}
    }
    total_tag = sum(community_tag.values())
    author = catalog.author_ids[item] or ""
    out = {
        "member_tier": float("nan"),
        "member_tenure_days": (t - float(log.known[mine[0]])) / DAY if mine else 0.0,
        "member_recency_days": (t - float(log.known[mine[-1]])) / DAY if mine else NEVER_DAYS,
        "member_frequency_30d": float(sum(log.known[e] >= t - 30 * DAY for e in mine)),
        "member_engagement_30d": sum(float(log.weights[e]) for e in mine if log.known[e] >= t - 30 * DAY),
        "member_history_size": float(len(mine)),
        "content_kind": 1.0,
        "content_age_days": age,
        "content_popularity": math.log1p(engagement),
        "content_popularity_7d": math.log1p(
            sum(float(log.weights[e]) for e in on_item if math.floor(log.known[e]) >= window)
        ),
        "content_last_activity_days": (t - last) / DAY,
        "content_open_rate": PRIOR_OPEN_RATE,
        "content_engagement_rate": (engagement + PRIOR_STRENGTH * PRIOR_ENGAGEMENT_RATE) / PRIOR_STRENGTH,
        "content_author_tier": float("nan"),
        "content_exposure_boost": 1.0,
        "context_slot": float(list(SLOT_HOURS).index(slot)),
        "context_scene": 0.0,
        "context_weekday": float(local.weekday()),
        "context_local_hour": hour,
        "cross_tag_affinity": sum(_share(tag_keys, tag_weights, tag) for tag in catalog.tags[item]),
        "cross_author_affinity": _share([catalog.author_ids[i] or "" for i in past_items], weights, author),
        "cross_kind_affinity": 1.0 if mine else 0.0,
        "cross_own_content": 0.0,
        "member_answer_share": sum(log.grades[e] >= 3 for e in mine) / len(mine) if mine else float("nan"),
        "content_answers": math.log1p(sum(log.grades[e] >= 3 for e in on_item)),
        "content_engagement_1d": math.log1p(
            sum(float(log.weights[e]) for e in on_item if math.floor(log.known[e]) >= (t // DAY - 1) * DAY)
        ),
        # Before any engagement the community's tag shares are unknown: missing, not a ratio.
        "cross_tag_lift": max(
            _share(tag_keys, tag_weights, tag) / (community_tag[tag] / total_tag + TAG_LIFT_SMOOTHING)
            for tag in catalog.tags[item]
        )
        if total_tag > 0
        else float("nan"),
    }
    # Text: hashed word counts, recomputed here densely (1 + log count, unit length); the member's engaged items.
    assert catalog.texts is not None
    counts = HashingVectorizer(n_features=2**18, alternate_sign=False, norm=None, stop_words="english").transform(
        catalog.texts
    )
    rows = counts[:, np.unique(counts.indices)].toarray()  # columns no text uses change no dot product or norm
    rows[rows > 0] = 1.0 + np.log(rows[rows > 0])
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    recent = past_items
    if recent:
        profile = rows[recent].sum(axis=0)
        out["cross_text_similarity"] = float(rows[item] @ profile / np.linalg.norm(profile))
        out["cross_text_max"] = max(float(rows[item] @ rows[j]) for j in recent)
        ages = [(float(log.known[e]) - catalog.created[log.items[e]]) / DAY for e in mine]
        typical = float(np.median(ages))
    else:
        out["cross_text_similarity"] = out["cross_text_max"] = 0.0
        typical = float("nan")
    out["member_typical_age_days"] = typical
    out["cross_age_gap"] = math.log1p(age) - math.log1p(max(typical, 0.0))  # max keeps NaN
    return out


def test_every_feature_of_sampled_groups_matches_a_brute_force_recomputation() -> None:
    catalog, log = rich_community()
    since, until = START, START + 71 * DAY
    text = text_rows(catalog)
    groups = engagement_groups(catalog, log, since=since, until=until, text=text)
    assert len(groups) > 100
    rng = np.random.default_rng(0)
    checked: dict[str, int] = dict.fromkeys(FEATURES, 0)
    for g in [groups[k] for k in rng.choice(len(groups), size=12, replace=False)]:
        for row in rng.choice(len(g.items), size=min(4, len(g.items)), replace=False):
            expected = brute_force(catalog, log, g.member_id, g.at, int(g.items[row]))
            assert set(expected) == set(FEATURES)
            for k, name in enumerate(FEATURES):
                got = float(g.features[row, k])
                want = expected[name]
                if math.isnan(want):
                    assert math.isnan(got), name
                else:
                    assert got == pytest.approx(want, rel=1e-4, abs=1e-4), name
                    checked[name] += 1
    # Every feature that can be known in an imported community was compared on real values, not only NaNs.
    unknown_here = {"member_tier", "content_author_tier"}
    assert all(checked[name] > 0 for name in FEATURES if name not in unknown_here), checked
    # The sample saw members with history and ties, and items with answers: the crosses were not all zero.
    values = np.vstack([g.features for g in groups])
    for name in ("cross_text_similarity", "cross_tag_lift", "content_answers"):
        assert np.nanmax(values[:, FEATURES.index(name)]) > 0, name


def test_without_text_or_tag_shares_the_new_features_are_missing_not_zero() -> None:
    """A caller that does not know text, answers or the community's tag shares gets those columns NaN
    (LightGBM's missing branch), never a made-up value."""
    from distribution_service.ranking.features import FEATURE_INDEX, build_matrix
    from tests.unit.distribution_service.test_features import CONTEXT, MEMBER, columns

    x = build_matrix(MEMBER, columns(), CONTEXT)
    for name in (
        "member_answer_share",
        "content_answers",
        "content_engagement_1d",
        "cross_tag_lift",
        "cross_text_similarity",
        "cross_text_max",
        "member_typical_age_days",
        "cross_age_gap",
    ):
        assert np.isnan(x[:, FEATURE_INDEX[name]]).all(), name
