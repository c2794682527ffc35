"""The generator's sampling: the playbook's shares, rhythm, causality (no I/O)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from composition.generate.shape import (
    DAY,
    Content,
    Events,
    Members,
    Shape,
    sample_content,
    sample_events,
    sample_members,
    slot_of,
)

MEMBERS, CONTENT, EVENTS, DAYS = 20_000, 2_000, 100_000, 120
Sampled = tuple[Members, Content, Events]


def sample(seed: int = 3) -> Sampled:
    rng = np.random.default_rng(seed)
    members = sample_members(rng, Shape(), MEMBERS, DAYS)
    content = sample_content(rng, Shape(), members, CONTENT, DAYS)
    events = sample_events(rng, Shape(), members, content, EVENTS, DAYS, start_weekday=0)
    return members, content, events


@pytest.fixture(scope="module")
def sampled() -> Sampled:
    return sample()


def test_same_seed_gives_the_same_community(sampled: Sampled) -> None:
    again = sample()
    assert np.array_equal(sampled[0].joined, again[0].joined)
    assert np.array_equal(sampled[2].at, again[2].at)
    assert sampled[2].slots == again[2].slots


def test_another_seed_gives_another_community(sampled: Sampled) -> None:
    assert not np.array_equal(sampled[2].at, sample(seed=4)[2].at)


def test_tiers_follow_the_playbook_shares(sampled: Sampled) -> None:
    tiers = Counter(sampled[0].tiers.tolist())
    assert tiers["POTENTIAL"] / MEMBERS == pytest.approx(0.38, abs=0.01)
    assert tiers["ACTIVE_CONTRIBUTOR"] / MEMBERS == pytest.approx(0.22, abs=0.01)


def test_content_mix_follows_the_playbook(sampled: Sampled) -> None:
    kinds = Counter(sampled[1].kinds.tolist())
    shares = [kinds[k] / CONTENT for k in ("PGC", "UGC", "COMMERCIAL")]
    assert shares == pytest.approx([0.60, 0.35, 0.05], abs=0.025)


def test_pgc_is_by_experts_and_commercial_by_operators(sampled: Sampled) -> None:
    members, content, _ = sampled
    assert set(content.authors[content.kinds == "PGC"].tolist()) <= set(members.experts.tolist())
    assert set(content.authors[content.kinds == "COMMERCIAL"].tolist()) <= set(members.operators.tolist())
    assert len(members.operators) == 20


def test_events_follow_joining_and_publishing(sampled: Sampled) -> None:
    members, content, events = sampled
    assert bool((events.at >= members.joined[events.members]).all())
    assert bool((events.at >= content.published[events.content]).all())
    assert bool((events.at < DAYS * DAY).all())


def test_activity_is_heavy_tailed(sampled: Sampled) -> None:
    per_member = np.sort(np.bincount(sampled[2].members, minlength=MEMBERS))[::-1]
    top_share = per_member[: MEMBERS // 10].sum() / EVENTS
    # The most active 10% of members make at least half of all events.
    assert top_share > 0.5


def test_three_daily_peaks_outweigh_the_night(sampled: Sampled) -> None:
    hours = np.bincount(((sampled[2].at % DAY) // 3600).astype(int), minlength=24)
    assert min(hours[8], hours[12], hours[20]) > 4 * hours[3]


def test_weekends_are_quieter(sampled: Sampled) -> None:
    weekday = np.bincount(((sampled[2].at // DAY) % 7).astype(int), minlength=7)
    assert weekday[5:].mean() < 0.85 * weekday[:5].mean()


def test_slot_is_the_golden_push_of_the_hour() -> None:
    assert [slot_of(h) for h in (7.5, 12.0, 21.0, 3.0)] == ["MORNING", "NOON", "EVENING", None]
