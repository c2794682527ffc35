"""The import result shape shared by the services."""

from __future__ import annotations

from infra.bulk import ImportedItem, ImportOutcome, ImportResult, tally

ITEMS = [
    ImportedItem(source_id="a", outcome=ImportOutcome.CREATED, id="1"),
    ImportedItem(source_id="b", outcome=ImportOutcome.SKIPPED, id="2"),
    ImportedItem(source_id="c", outcome=ImportOutcome.REJECTED, reason="why"),
    ImportedItem(source_id="d", outcome=ImportOutcome.CREATED, id="3"),
]


def test_tally_counts_each_outcome_and_lists_items_in_order() -> None:
    assert tally(ITEMS) == ImportResult(created=2, skipped=1, rejected=1, items=ITEMS)


def test_tally_can_list_only_some_outcomes() -> None:
    assert tally(ITEMS, keep=frozenset({ImportOutcome.REJECTED})).items == [ITEMS[2]]


def test_result_travels_in_camel_case() -> None:
    assert ITEMS[2].to_wire() == {"sourceId": "c", "outcome": "REJECTED", "id": None, "reason": "why"}
