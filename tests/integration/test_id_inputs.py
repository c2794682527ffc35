"""Every id-like input of every root field refuses ".", ".." and "/" with BAD_USER_INPUT, never INTERNAL.

Such a value, put in a service path, reaches another route or none; the fields come from the schema itself.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from pymongo import MongoClient

from infra.settings import SERVICE_NAMES, Settings
from tests.conftest import running_gateway
from tests.factories import ADMIN_KEY, JWT_SECRET, Api, Member, create_community, grant, register
from tests.integration.schema_calls import RootField, call, graphql_schema, id_paths, root_fields

BAD_VALUES = (".", "..", "a/b")
FIELDS = [root for root in root_fields(graphql_schema()) if any(id_paths(root))]


@dataclass(frozen=True)
class Operated:
    api: Api
    community_id: str
    operator: Member


@pytest.fixture(scope="module")
async def operated(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Operated]:
    """One gateway for the module: every call here is refused before it writes anything."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    settings = Settings(
        app_env="test",
        mongodb_uri=mongo_uri,
        db_prefix=prefix,
        jwt_secret=JWT_SECRET,
        platform_admin_key=ADMIN_KEY,
        var_dir=tmp_path_factory.mktemp("ids"),
        seed_demo=False,
    )
    try:
        async with running_gateway(settings) as api:
            community_id = await create_community(api, "ids")
            operator = await register(api, "ids", "operator")
            await grant(api, community_id, "operator", "OPERATOR")
            yield Operated(api, community_id, operator)
    finally:
        client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri)
        for service in SERVICE_NAMES:
            client.drop_database(f"{prefix}_{service}")
        client.close()


@pytest.mark.parametrize("root", FIELDS, ids=[root.label for root in FIELDS])
async def test_path_like_id_is_bad_user_input(operated: Operated, root: RootField) -> None:
    # given an operator of a real community
    api, operator = operated.api, operated.operator
    overrides = {"communityId": operated.community_id}
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
