"""Proposal steps in order, and the adoption rate."""

from __future__ import annotations

import pytest

from infra.errors import ConflictError
from users_service.domain.proposals import ProposalStatus, adoption_rate, check_step


def test_adoption_rate_counts_implemented_as_adopted() -> None:
    assert adoption_rate({"ADOPTED": 1, "IMPLEMENTED": 1, "REJECTED": 1, "SUBMITTED": 5}) == 0.6667


def test_adoption_rate_before_any_decision_is_none() -> None:
    assert adoption_rate({"SUBMITTED": 2, "REVIEWED": 1}) is None


def test_decision_needs_an_expert_review_first() -> None:
    with pytest.raises(ConflictError, match="cannot decide a SUBMITTED proposal \\(it must be REVIEWED\\)"):
        check_step("decide", ProposalStatus.SUBMITTED)


def test_feedback_only_on_adopted_proposals() -> None:
    with pytest.raises(ConflictError, match="cannot feedback a REJECTED proposal"):
        check_step("feedback", ProposalStatus.REJECTED)
