"""benchmarks/hot_path_events_order.py and the full hot-path run's baselines measured beside its events runs."""

from __future__ import annotations

import pytest

from benchmarks.gateway_harness import Figures, database_server
from benchmarks.hot_path_events_order import TOP_LEAVES, stack_shares
from benchmarks.write_baselines import beside_baseline


def test_stack_shares_sums_samples_the_workers_share_and_the_busiest_leaves() -> None:
    raw = "\n".join(
        [
            "serve (infra/runtime.py:50);drain (distribution_service/service/ingest_worker.py:140);add (x.py:1) 3",
            "serve (infra/runtime.py:50);record (distribution_service/service/events.py:68) 5",
            "serve (infra/runtime.py:50);add (x.py:1) 2",
            "a line py-spy did not write",
        ]
    )
    shares = stack_shares(raw)
    assert shares["samples"] == 10
    assert shares["worker_share"] == 0.3
    assert shares["top"] == {"add": 0.5, "record": 0.5}
    assert len(stack_shares("\n".join(f"f{n} (x.py:{n}) 1" for n in range(TOP_LEAVES + 3)))["top"]) == TOP_LEAVES
    assert stack_shares("") == {"samples": 0, "worker_share": 0.0, "top": {}}


@pytest.mark.processes
def test_beside_baseline_measures_bare_inserts_on_the_server_now_under_its_key() -> None:
    figures = Figures()
    with database_server() as server:
        one = beside_baseline(server.uri, 1, figures, "bare_one_beside")
        many = beside_baseline(server.uri, 1, figures, "bare_many_beside", batch=100)
    assert figures == {"bare_one_beside": one, "bare_many_beside": many}
    assert one > 0
    # a hundred documents a command write more documents a second than one a command
    assert many > one
