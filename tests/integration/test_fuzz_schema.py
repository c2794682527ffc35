"""Schema-driven fuzzing: queries and mutations generated from the gateway's own schema (hypothesis-graphql).

Every generated operation is sent over HTTP (the ASGI transport) as an operator, a member and anonymously, with
ids and strings drawn from what breaks path-built service calls: "/", ".", "..", empty, very long, unicode, NUL,
besides real ids of the community; half the operations break the schema once (hypothesis-graphql's negative
mode). Whatever the input: never a 5xx, every error carries a known code, none is
INTERNAL. Bounded and deterministic (`derandomize`, a fixed number of examples, no shrinking, no example
database), so it costs the suite the same few seconds on every run.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from gateway.errors import CODES
from tests.integration.schema_calls import DUMMY_ID, Community, community_gateway, graphql_schema

# A longer hunt: FUZZ_EXAMPLES=500 pytest tests/integration/test_fuzz_schema.py (the suite's run stays bounded).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# Long-running work a generated call may start (model training): the fuzz checks the edge, not the trainers.
SKIPPED_MUTATIONS = frozenset({"trainLtvModel", "startLtvTraining"})
AWKWARD = ("", ".", "..", "/", "a/b", "../x", "%2F", " ", "x" * 5000, "名前🎉", "\u202e", "a\x00b", DUMMY_ID)

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
async def community(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Community]:
    var = tmp_path_factory.mktemp("fuzz")
    async with community_gateway(mongo_uri, var, rate_limits_enabled=False, mail_mode="log") as community:
        yield community


def scalars(community: Community) -> dict[str, st.SearchStrategy[Any]]:
    """Value strategies for ids and strings (awkward or real) and for the custom scalars."""
    real = (community.id, community.operator.id, community.member.id, "generated", "operator", "member")
    ids = st.sampled_from(AWKWARD + real) | st.text(max_size=30)
    return {
        "ID": ids.map(nodes.String),
        "String": (st.sampled_from(AWKWARD + real) | st.text(max_size=60)).map(nodes.String),
        "DateTime": (
            st.datetimes().map(lambda moment: moment.isoformat()) | st.sampled_from(("", "yesterday", "9999-99-99"))
        ).map(nodes.String),
        "JSON": st.sampled_from((nodes.String("x"), nodes.Int(1), nodes.Object([]), nodes.List([]))),
    }


def problems(status: int, body: Any) -> list[str]:
    """What is wrong with an answer: a 5xx, an error without a known code, INTERNAL."""
    found = [f"status {status}"] if status >= 500 else []
    errors = body.get("errors") or [] if isinstance(body, dict) else []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code not in CODES or code == "INTERNAL":
            found.append(f"{code}: {error.get('message')} at {error.get('path')}")
    return found


async def send_as_everyone(community: Community, document: str) -> None:
    callers = {
        "operator": {"authorization": f"Bearer {community.operator.token}"},
        "member": {"authorization": f"Bearer {community.member.token}"},
        "anonymous": {},
    }
    for caller, headers in callers.items():
        response = await community.api.http.post("/graphql", json={"query": document}, headers=headers)
        wrong = problems(response.status_code, response.json())
        assert wrong == [], f"{caller}: {wrong}\n{json.dumps(document)}"


SCHEMA = graphql_schema()
ROOTS = {
    "query": sorted(SCHEMA.query_type.fields) if SCHEMA.query_type else [],
    "mutation": sorted(set(SCHEMA.mutation_type.fields) - SKIPPED_MUTATIONS) if SCHEMA.mutation_type else [],
}


@cache
def operation(community: Community, kind: str, root: str, mode: Mode) -> st.SearchStrategy[str]:
    """One root field's operations, built once: a strategy over the whole schema takes seconds per draw.
    NEGATIVE: each operation breaks the schema once (a wrong type, a missing required argument)."""
    build = queries if kind == "query" else mutations
    return build(SCHEMA, fields=[root], custom_scalars=scalars(community), mode=mode)


@pytest.mark.parametrize("kind", ["query", "mutation"])
@FUZZ
@given(data=st.data())
async def test_generated_operations_never_fail_internally(community: Community, kind: str, data: Any) -> None:
    root = data.draw(st.sampled_from(ROOTS[kind]), label="root")
    mode = data.draw(st.sampled_from((Mode.POSITIVE, Mode.NEGATIVE)), label="mode")
    document = data.draw(operation(community, kind, root, mode), label="document")
    await send_as_everyone(community, document)
