"""Every id-like input of every root field refuses ".", ".." and "/" with BAD_USER_INPUT, never INTERNAL.

Such a value, put in a service path, reaches another route or none; the fields come from the schema itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.schema_calls import (
    Community,
    RootField,
    call,
    community_gateway,
    graphql_schema,
    id_paths,
    root_fields,
)

BAD_VALUES = (".", "..", "a/b")
FIELDS = [root for root in root_fields(graphql_schema()) if any(id_paths(root))]


@pytest.fixture(scope="module")
async def community(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Community]:
    async with community_gateway(mongo_uri, tmp_path_factory.mktemp("ids")) as community:
        yield community


@pytest.mark.parametrize("root", FIELDS, ids=[root.label for root in FIELDS])
async def test_path_like_id_is_bad_user_input(community: Community, root: RootField) -> None:
    # given an operator of a real community
    api, operator = community.api, community.operator
    overrides = {"communityId": community.id}
    wrong: list[tuple[str, str, Any]] = []
    for path in id_paths(root):
        for bad in BAD_VALUES:
            # when one id-like input holds a path-like value
            document, variables = call(root, overrides, (path, bad))
            body = await api.post(document, variables, token=operator.token)
            # then the call is refused as the caller's mistake, and nothing else answers
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
            data = (body.get("data") or {}).get(root.name)
            if codes != ["BAD_USER_INPUT"] or data is not None:
                wrong.append((".".join(path), bad, codes or data))
    assert wrong == []
