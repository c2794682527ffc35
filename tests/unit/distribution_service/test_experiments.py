from __future__ import annotations

import pytest

from distribution_service.domain.experiments import CONTROL, TREATMENT, arm, bucket


def test_arm_is_stable_for_a_member() -> None:
    assert {arm("65f0c0ffee0000000000abcd", "lgbm-1", 0.3) for _ in range(5)} == {
        arm("65f0c0ffee0000000000abcd", "lgbm-1", 0.3)
    }


def test_traffic_share_goes_to_treatment() -> None:
    members = [f"{i:024x}" for i in range(4000)]
    share = sum(arm(m, "lgbm-1", 0.2) == TREATMENT for m in members) / len(members)
    assert share == pytest.approx(0.2, abs=0.02)


def test_full_traffic_and_none() -> None:
    assert arm("a", "v", 1.0) == TREATMENT
    assert arm("a", "v", 0.0) == CONTROL


def test_buckets_differ_between_experiments() -> None:
    assert bucket("member", "lgbm-1") != bucket("member", "lgbm-2")
