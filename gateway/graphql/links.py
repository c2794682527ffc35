"""Object links beside raw ids: a `memberId` also answers `member`, a `contentId` `content`, through the request's
DataLoaders, so a list of a hundred items costs one batched call per kind of object, never one per item.

A link reads in the community its parent object was read in. Output types do not carry it, but every root field
reads in one community: a member's or a partner key's own (nothing else gets past the root resolvers' checks), or,
for the platform admin key, the one the root field names in `communityId` (an argument or the input's field).
A link whose object is missing, or in no community we can name, is null, never another community's object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    ObjectValueNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)
from strawberry.dataloader import DataLoader

from content_service.schemas import ContentRead
from gateway.context import Info
from users_service.schemas import MemberRead

T = TypeVar("T")


def link_community(info: Info) -> str | None:
    """The community the current root field read in (see the module's docstring)."""
    viewer = info.context.viewer
    if viewer.api_key is not None:
        return viewer.api_key.community_id
    if not viewer.is_admin:
        return viewer.community_id
    return _named_community(info._raw_info)


def _named_community(raw: GraphQLResolveInfo) -> str | None:
    """The admin key's community: the `communityId` its root field names (an argument or the input's field)."""
    path = raw.path
    while path.prev is not None:
        path = path.prev
    for node in _root_fields(raw.operation.selection_set, raw):
        if (node.alias or node.name).value == path.key:
            arguments = {a.name.value: _value(a.value, raw.variable_values) for a in node.arguments or ()}
            return _community_of(arguments) or _community_of(arguments.get("input"))
    return None


def _root_fields(selection_set: SelectionSetNode, raw: GraphQLResolveInfo) -> Iterator[FieldNode]:
    """The operation's root fields, also those written inside inline fragments and fragment spreads."""
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            yield node
        elif isinstance(node, InlineFragmentNode):
            yield from _root_fields(node.selection_set, raw)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in raw.fragments:
            yield from _root_fields(raw.fragments[node.name.value].selection_set, raw)


def _value(node: ValueNode, variables: Any) -> Any:
    """An argument's value as written or as its variable holds it (only strings and objects matter here)."""
    if isinstance(node, VariableNode):
        return dict(variables or {}).get(node.name.value)
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, ObjectValueNode):
        return {f.name.value: _value(f.value, variables) for f in node.fields}
    return None


def _community_of(values: Any) -> str | None:
    if isinstance(values, dict):
        found = values.get("communityId") or values.get("community_id")
    else:
        found = getattr(values, "community_id", None)
    return str(found) if found else None


async def member_link(info: Info, member_id: object, convert: Callable[[MemberRead], T]) -> T | None:
    """The member an id names, in the parent's community, through the request's member loader."""
    community_id = link_community(info)
    if not member_id or not community_id:
        return None
    read = await info.context.loaders.member_by_id.load((community_id, str(member_id)))
    return convert(read) if read else None


async def content_link(info: Info, content_id: object, convert: Callable[[ContentRead], T]) -> T | None:
    """The piece an id names, through the request's content loader: the paywall applies for this caller (a locked
    piece comes as its teaser), and a piece the caller may not read is null."""
    community_id = link_community(info)
    if not content_id or not community_id:
        return None
    read = await info.context.loaders.content_by_id.load((community_id, str(content_id)))
    return convert(read) if read else None


async def scoped_link(info: Info, loader: DataLoader[tuple[str, str], T | None], item_id: object) -> T | None:
    """The object an id names through one of the request's (community, id) loaders (a payment, an invoice, a
    subscription, a campaign...), in the parent's community."""
    community_id = link_community(info)
    if not item_id or not community_id:
        return None
    return await loader.load((community_id, str(item_id)))
