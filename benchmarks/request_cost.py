"""What one request of a benchmark costs: each process's CPU per request, and the ingest worker's takes and the
database commands that failed meanwhile, read from the gateway's /metrics."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks.gateway_harness import RunningGateway, children_cpu_seconds, cpu_seconds

# The gateway's /metrics series a run's figures are counted from: unlabelled ones by name, and `db_errors_total`
# summed over its labels.
COUNTED = {
    "takes": "ingest_lag_seconds_count",
    "derived": "events_ingested_total",
    "groups": "event_write_group_recorders_count",
    "recorders": "event_write_group_recorders_sum",
}


def counted(base: str) -> dict[str, float]:
    """One read of the gateway's /metrics: the ingest worker's takes and events derived, the grouped event
    transactions and the recorders they stored, and `failed` (`db_errors_total`, every label summed: a
    transaction's conflicts and the server's reaping of an idle one show here as retried statements); 0 for a series
    not there yet."""
    text = httpx.get(f"{base}/metrics", timeout=30).text
    found = {key: re.search(rf"^{name} ([0-9.e+]+)$", text, re.MULTILINE) for key, name in COUNTED.items()}
    figures = {key: float(value.group(1)) if value else 0.0 for key, value in found.items()}
    errors = re.findall(r"^db_errors_total\{[^}]*\} ([0-9.e+]+)$", text, re.MULTILINE)
    figures["failed"] = sum(float(v) for v in errors)
    return figures


def cpu_per_request(
    gateway: RunningGateway, requests: Callable[[Any], float], work: Callable[[], Any]
) -> tuple[Any, dict[str, float]]:
    """`work`'s result, and each process's CPU milliseconds per request over `work` and the drain of the ingest
    backlog it left (the derivation of its events is part of what a recorded event costs), the gateway's children's
    (`gateway_children_cpu_ms`: its heavy-lane child) included, with the worker's takes and events derived
    meanwhile."""
    base, pids = gateway.base, gateway.pids
    start = counted(base)
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    children_before = children_cpu_seconds(gateway.gateway_pid)
    result = work()
    drained = gateway.drain()
    spent = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    children_after = children_cpu_seconds(gateway.gateway_pid)
    # The gateway's children (its heavy-lane child): on the same core, so their CPU is the run's too.
    spent["gateway_children"] = sum(t - children_before.get(pid, 0.0) for pid, t in children_after.items())
    count = requests(result)
    figures = {f"{name}_cpu_ms": round(1000 * s / max(count, 1), 2) for name, s in spent.items()}
    figures["drain_seconds"] = drained
    grown = {key: value - start[key] for key, value in counted(base).items()}
    figures["ingest_takes"] = grown["takes"]
    figures["events_per_take"] = round(grown["derived"] / max(grown["takes"], 1), 1)
    figures["failed_commands"] = grown["failed"]
    # How many recorders shared each grouped transaction (0 when the run recorded nothing).
    figures["recorders_per_group"] = round(grown["recorders"] / max(grown["groups"], 1), 2)
    return result, figures
