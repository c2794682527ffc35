"""Guardrails relative to control: judged only with enough members, valid under a look every minute, and
sensitive to a real harm beyond the margin."""

from __future__ import annotations

import numpy as np

from distribution_service.domain.guardrails import Sample, judge_relative


def test_below_the_minimum_nothing_is_judged() -> None:
    judgement = judge_relative(Sample.of_rate(0, 50), Sample.of_rate(50, 50), 0.2, min_members=100)
    assert (judgement.judged, judgement.breached) == (False, False)


def test_a_harm_far_beyond_the_margin_is_breached_and_one_within_it_is_not() -> None:
    control = Sample.of_rate(50, 2000)  # 2.5% muted
    assert judge_relative(control, Sample.of_rate(150, 2000), 0.2).breached  # 7.5%: three times control
    assert not judge_relative(control, Sample.of_rate(55, 2000), 0.2).breached  # 2.75%: within 20%
    assert judge_relative(control, Sample.of_rate(150, 2000), 0.2).limit == 0.025 * 1.2


def test_equal_arms_checked_every_minute_rarely_roll_back() -> None:
    """A/A: both arms mute at 3%; 400 experiments, each looked at after every 100 members per arm up to 3,000
    (30 looks). An always-valid test keeps the share of experiments ever rolled back under alpha (1%)."""
    rng = np.random.default_rng(7)
    rolled_back = 0
    for _ in range(400):
        control = rng.random(3000) < 0.03
        treatment = rng.random(3000) < 0.03
        for n in range(100, 3001, 100):
            if judge_relative(
                Sample.of_rate(int(control[:n].sum()), n), Sample.of_rate(int(treatment[:n].sum()), n), 0.2
            ).breached:
                rolled_back += 1
                break
    assert rolled_back / 400 <= 0.01


def test_a_real_harm_is_caught_under_the_same_looks() -> None:
    """Treatment mutes at 6% against control's 3% (twice control, margin 20%): caught in most experiments by 3,000
    members per arm (77 of 100 here; the price of a test that may look every minute)."""
    rng = np.random.default_rng(11)
    caught = 0
    for _ in range(100):
        control = rng.random(3000) < 0.03
        treatment = rng.random(3000) < 0.06
        caught += any(
            judge_relative(
                Sample.of_rate(int(control[:n].sum()), n), Sample.of_rate(int(treatment[:n].sum()), n), 0.2
            ).breached
            for n in range(100, 3001, 100)
        )
    assert caught >= 70


def test_member_values_use_their_spread() -> None:
    calm = Sample.of_values([1.0, 1.0, 1.0, 1.0] * 50)
    noisy = Sample.of_values([0.0, 2.0, 0.0, 2.0] * 50)
    assert (calm.mean, calm.variance) == (1.0, 0.0)
    assert noisy.mean == 1.0
    assert noisy.variance > 1.0
    worse = Sample.of_values([3.0, 3.0, 2.0, 4.0] * 50)
    assert judge_relative(calm, worse, 0.5).breached
    assert not judge_relative(calm, noisy, 0.5).breached
