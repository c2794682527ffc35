"""benchmarks/served_model.py: a trained model promoted in a running gateway's community ranks its feeds."""

from __future__ import annotations

import pytest

from benchmarks.gateway_harness import database_server, running_gateway
from benchmarks.served_model import VERSION_FEED, promote_model

pytestmark = pytest.mark.processes


def test_the_promoted_model_ranks_the_readers_feeds() -> None:
    with database_server() as server, running_gateway(server, "served", items=12, warm=True) as gateway:
        before = gateway.platform.call(VERSION_FEED, token=gateway.token)["feed"]["modelVersion"]
        version = promote_model(gateway)
        after = gateway.platform.call(VERSION_FEED, token=gateway.token)["feed"]["modelVersion"]
    assert version
    assert before != version
    assert after == version
