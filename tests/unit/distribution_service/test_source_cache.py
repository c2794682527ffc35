"""The kept per-key source lists answer what content's one per-key read would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from content_service.schemas import ContentSummary
from distribution_service.service.source_cache import merge_keyed

AT = datetime(2030, 1, 1, tzinfo=UTC)


def item(content_id: str, hours_ago: int, *tags: str) -> ContentSummary:
    return ContentSummary.model_validate(
        {
            "id": content_id,
            "authorId": "ann",
            "kind": "UGC",
            "tags": list(tags),
            "publishedAt": AT - timedelta(hours=hours_ago),
        }
    )


def tags_of(summary: ContentSummary) -> list[str]:
    return summary.tags


def test_an_item_of_two_keys_counts_for_both_and_lists_merge_newest_first() -> None:
    # given: each key's own newest items (the shared one in both lists)
    shared = item("s", 1, "sql", "rust")
    sql = [shared, item("q1", 2, "sql"), item("q2", 5, "sql")]
    rust = [shared, item("r1", 3, "rust")]
    # when
    found = merge_keyed([sql, rust], tags_of, ["sql", "rust"], per_key=2, limit=10)
    # then: "s" fills one of each key's two places; q2 finds sql full
    assert [s.id for s in found] == ["s", "q1", "r1"]


def test_the_limit_cuts_the_merged_list() -> None:
    lists = [[item("a", 1, "x"), item("b", 2, "x")], [item("c", 3, "y")]]
    assert [s.id for s in merge_keyed(lists, tags_of, ["x", "y"], per_key=5, limit=2)] == ["a", "b"]
