"""Which parts of a feed the caller selected (gateway/graphql/distribution/queries.py): the feed computes reasons and
reads cards only when they are in the answer, fragments looked through and `@skip`/`@include` obeyed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from graphql import ExecutionResult, execute, parse
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from distribution_service.schemas import FeedItem, FeedPage
from gateway.graphql.distribution.queries import _selects
from gateway.schema import converted_schema


def field(name: str, *selections: Selection, **directives: dict[str, Any]) -> SelectedField:
    return SelectedField(name=name, directives=directives, arguments={}, selections=list(selections))


def items(*selections: Selection, **directives: dict[str, Any]) -> list[Selection]:
    return [field("items", *selections, **directives)]


def test_a_selected_field_is_found_through_fragments() -> None:
    spread = FragmentSpread(name="Card", type_condition="FeedItem", directives={}, selections=[field("content")])
    inline = InlineFragment(type_condition="FeedItem", directives={}, selections=[field("reasons")])
    assert _selects(items(spread), ("items", "content"))
    assert _selects(items(inline), ("items", "reasons"))
    assert not _selects(items(field("score")), ("items", "content"))


def test_skip_and_include_leave_a_field_out_when_they_say_so() -> None:
    assert not _selects(items(field("content", skip={"if": True})), ("items", "content"))
    assert _selects(items(field("content", skip={"if": False})), ("items", "content"))
    assert not _selects(items(field("content", include={"if": False})), ("items", "content"))
    assert _selects(items(field("content", include={"if": True})), ("items", "content"))
    # On an enclosing field or fragment, the directive leaves out everything under it.
    assert not _selects(items(field("reasons"), include={"if": False}), ("items", "reasons"))
    skipped = InlineFragment(
        type_condition="FeedItem", directives={"skip": {"if": True}}, selections=[field("content")]
    )
    assert not _selects(items(skipped), ("items", "content"))


async def test_a_feed_whose_content_is_skipped_reads_no_card_and_asks_for_no_reasons() -> None:
    ids = [f"65a1b2c3d4e5f60718293a{n:02x}" for n in range(3)]
    page = FeedPage(items=[FeedItem(content_id=ids[0], score=1.0, reasons={}, position=0)], model_version="m")
    requests: list[Any] = []
    lookups: list[list[tuple[str, str]]] = []

    async def require_member() -> Any:
        return SimpleNamespace(id=ids[1], community_id=ids[2])

    async def feed(community_id: str, request: Any) -> FeedPage:
        requests.append(request)
        return page

    async def lookup(keys: list[tuple[str, str]]) -> list[None]:
        lookups.append(keys)
        return [None for _ in keys]

    document = parse(
        "query ($bare: Boolean!) { feed(slot: MORNING, scene: BEFORE_DECISION, first: 10) {"
        " items { score content @skip(if: $bare) { id } reasons @include(if: false) { feature } } } }"
    )
    schema = converted_schema(False)._schema
    for bare, lookups_expected in ((True, 0), (False, 1)):
        context = SimpleNamespace(
            require_member=require_member,
            services=SimpleNamespace(distribution=SimpleNamespace(feed=feed)),
            loaders=SimpleNamespace(feed_content_by_id=DataLoader(load_fn=lookup)),
        )
        result = execute(schema, document, context_value=context, variable_values={"bare": bare})
        if not isinstance(result, ExecutionResult):
            result = await result
        assert not result.errors, result.errors
        assert result.data is not None
        assert result.data["feed"]["items"][0]["score"] == 1.0
        assert len(lookups) == lookups_expected
        assert requests[-1].reasons is False
