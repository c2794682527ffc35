"""Schema-driven fuzzing (hypothesis-graphql): any valid query or mutation an operator can write, with ids that
include `/`, `.`, `..` and real-looking ones, gets an answer or a coded error — never INTERNAL, never a 500.

Hypothesis drives a synchronous test, so the gateway runs on an event loop of its own in a thread; every
generated operation is posted to it as an operator of a community with content.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from infra.settings import Settings
from tests.conftest import running_gateway
from tests.factories import Api, Member, create_community, grant, publish, register

# hypothesis-graphql 0.13 draws with the `random` module inside its strategies, which Hypothesis deprecates.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
SCHEMA = (Path(__file__).parents[2] / "schema.graphql").read_text()
EXAMPLES = 40
# Ids a client may send: path tricks, empty, a real-looking id of nothing, and overlong text.
IDS = st.sampled_from(["/", ".", "..", "a/b", "", " ", str(ObjectId()), "x" * 200, "%2e%2e", "0"])
SCALARS = {
    "ID": IDS.map(nodes.String),
    "DateTime": st.sampled_from(["2026-12-05T10:00:00Z", "1900-01-01T00:00:00Z", "not a date", ""]).map(nodes.String),
    "JSON": st.sampled_from(["{}", "[]", "null", "x"]).map(nodes.String),
}


class Running:
    """The gateway on an event loop in its own thread; `call` runs a coroutine there and waits for it."""

    def __init__(self, settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.context = running_gateway(settings)
        self.api: Api = self.call(self.context.__aenter__())
        self.operator: Member = self.call(self._community())

    def call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=300)

    async def _community(self) -> Member:
        community_id = await create_community(self.api, "fuzz")
        operator = await register(self.api, "fuzz", "olga")
        await grant(self.api, community_id, "olga", "OPERATOR")
        for i in range(3):
            await publish(self.api, operator, f"Piece {i}", tags=["sql"])
        return operator

    def stop(self) -> None:
        self.call(self.context.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=60)
        self.loop.close()


@pytest.fixture
def running(make_settings: Any) -> Iterator[Running]:
    platform = Running(make_settings(rate_limits_enabled=False))
    try:
        yield platform
    finally:
        platform.stop()


def assert_coded(running: Running, document: str) -> None:
    response = running.call(
        running.api.http.post(
            "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {running.operator.token}"}
        )
    )
    assert response.status_code < 500, (response.status_code, document, response.text[:500])
    codes = [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]
    assert "INTERNAL" not in codes, (document, response.text[:1000])
    assert None not in codes, (document, response.text[:1000])


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(document=queries(SCHEMA, custom_scalars=SCALARS))
def test_generated_queries_never_answer_internal(running: Running, document: str) -> None:
    assert_coded(running, document)


@FUZZ
@given(document=mutations(SCHEMA, custom_scalars=SCALARS))
def test_generated_mutations_never_answer_internal(running: Running, document: str) -> None:
    assert_coded(running, document)
