"""Candidate generation: each member's rows of a shared pool, their sources, and what a block removes."""

from __future__ import annotations

from datetime import UTC, datetime

from content_service.schemas import ContentSummary
from distribution_service.ranking.features import MemberState
from distribution_service.service.candidates import (
    AFFINE_AUTHORS,
    TOPIC_TAGS,
    Interests,
    SourceIndex,
    batch_asks,
    interests,
    member_rows,
    merge_sources,
    sources_of,
)

AT = datetime(2030, 1, 1, tzinfo=UTC)


def item(content_id: str, author: str, *tags: str, boost: float = 1.0) -> ContentSummary:
    return ContentSummary.model_validate(
        {
            "id": content_id,
            "authorId": author,
            "kind": "UGC",
            "tags": list(tags),
            "publishedAt": AT,
            "exposureBoost": boost,
        }
    )


RECENT = [item("r1", "ann", "python"), item("r2", "bob", "rust")]
BOOSTED = [item("b1", "cat", "golang", boost=2.0), item("r2", "bob", "rust")]
BY_TAG = [item("t1", "dan", "sql"), item("t2", "eve", "ml"), item("r1", "ann", "python")]
BY_AUTHOR = [item("a1", "fay", "python"), item("a2", "gus", "rust")]


def pool() -> tuple[list[ContentSummary], SourceIndex]:
    return merge_sources(RECENT, BOOSTED, BY_TAG, BY_AUTHOR, asked_tags=["sql", "ml", "python"])


def test_merged_pool_holds_each_item_once_in_the_order_found() -> None:
    summaries, _ = pool()
    assert [s.id for s in summaries] == ["r1", "r2", "b1", "t1", "t2", "a1", "a2"]


def test_a_member_without_interests_gets_the_newest_and_boosted_items() -> None:
    summaries, index = pool()
    rows = member_rows(index, Interests(), seen=[])
    assert [summaries[i].id for i in rows] == ["r1", "r2", "b1"]


def test_topics_and_authors_add_only_their_own_rows() -> None:
    summaries, index = pool()
    member = Interests(tags=frozenset({"sql"}), followed=frozenset({"gus"}))
    rows = member_rows(index, member, seen=[])
    assert [summaries[i].id for i in rows] == ["r1", "r2", "b1", "t1", "a2"]


def test_a_blocked_author_leaves_no_row_from_any_source_and_seen_items_are_gone() -> None:
    summaries, index = pool()
    member = Interests(tags=frozenset({"sql", "python"}), followed=frozenset({"fay"}), blocked=frozenset({"bob"}))
    rows = member_rows(index, member, seen=["t1"])
    assert [summaries[i].id for i in rows] == ["r1", "b1", "a1"]


def test_sources_name_every_reason_an_item_was_offered() -> None:
    summaries, index = pool()
    member = Interests(tags=frozenset({"rust"}), followed=frozenset({"bob"}), affine=frozenset({"gus"}))
    assert sources_of(index, 1, summaries[1], member) == ["RECENT", "BOOSTED", "TOPIC", "FOLLOWED"]
    assert sources_of(index, 6, summaries[6], member) == ["TOPIC", "AFFINE"]


def test_interests_take_top_tags_and_affine_authors_but_never_oneself_or_the_blocked() -> None:
    tags = {f"tag{i}": (10 - i) / 55 for i in range(10)}
    authors = {"me": 0.5, "ann": 0.2, "bob": 0.15, "cat": 0.1, "dan": 0.03, "eve": 0.01, "fay": 0.01}
    state = MemberState(member_id="me", tag_affinity=tags, author_affinity=authors)
    # when
    wants = interests(state, follows=["zed", "bob"], blocks=["bob"])
    # then
    assert wants.tags == frozenset(f"tag{i}" for i in range(TOPIC_TAGS))
    assert wants.affine == frozenset({"ann", "cat", "dan", "eve", "fay"})
    assert len(wants.affine) == AFFINE_AUTHORS
    assert wants.followed == frozenset({"zed"})
    assert wants.blocked == frozenset({"bob"})


def test_batch_asks_put_what_most_members_want_first() -> None:
    members = [
        Interests(tags=frozenset({"sql", "ml"}), followed=frozenset({"ann"})),
        Interests(tags=frozenset({"ml"}), affine=frozenset({"bob", "ann"})),
    ]
    assert batch_asks(members) == (["ml", "sql"], ["ann", "bob"])


def test_engagement_that_weighs_nothing_makes_no_topic_or_affine_author() -> None:
    state = MemberState(member_id="me", tag_affinity={"rust": 1.0, "go": 0.0}, author_affinity={"ann": 0.0})
    wants = interests(state)
    assert (wants.tags, wants.affine) == (frozenset({"rust"}), frozenset())
