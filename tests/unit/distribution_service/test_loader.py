"""Training reads whole only the logged decisions that an engagement event may label."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.ranking.loader import answered_decisions, answering_events

AT = datetime(2030, 1, 1, 12, tzinfo=UTC)


def test_a_decision_is_answered_by_its_own_event_or_an_unattributed_one_in_its_window() -> None:
    ann, bob = ObjectId(), ObjectId()
    named, windowed, late, other_members, impression_only = (ObjectId() for _ in range(5))
    heads = [
        {"_id": named, "member_id": ann, "at": AT},
        {"_id": windowed, "member_id": bob, "at": AT},
        {"_id": late, "member_id": bob, "at": AT - timedelta(days=3)},
        {"_id": other_members, "member_id": ObjectId(), "at": AT},
        {"_id": impression_only, "member_id": ann, "at": AT - timedelta(days=5)},
    ]
    events = [
        # An open that names its decision, days later: still its answer.
        {"type": "OPEN", "member_id": ann, "decision_id": named, "occurred_at": AT + timedelta(days=2)},
        # An unattributed share an hour after bob's decision answers it, and not his decision of three days before.
        {"type": "SHARE", "member_id": bob, "occurred_at": AT + timedelta(hours=1)},
        {"type": "IMPRESSION", "member_id": ann, "decision_id": impression_only, "occurred_at": AT},
    ]
    assert answered_decisions(heads, events) == [named, windowed]


def test_what_the_member_did_before_a_decision_was_made_never_labels_it() -> None:
    """A feed's decision describes its items as of its pool's moment (`at`), seconds before it was made
    (`made_at`): an unattributed open in between happened before the decision and must not answer it."""
    bob, decision = ObjectId(), ObjectId()
    made = AT + timedelta(seconds=4)
    heads = [{"_id": decision, "member_id": bob, "at": AT, "made_at": made}]
    before = [{"type": "OPEN", "member_id": bob, "occurred_at": AT + timedelta(seconds=2)}]
    after = [{"type": "OPEN", "member_id": bob, "occurred_at": made + timedelta(seconds=1)}]
    assert answered_decisions(heads, before) == []
    assert answering_events(heads, before).tolist() == [False]
    assert answered_decisions(heads, after) == [decision]
    assert answering_events(heads, after).tolist() == [True]
