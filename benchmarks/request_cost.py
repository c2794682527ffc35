"""What one request of a benchmark costs: each process's CPU per request, and the ingest worker's takes and the
database commands that failed meanwhile, read from the gateway's /metrics."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks.gateway_harness import RunningGateway, children_cpu_seconds, cpu_seconds


def unlabelled_samples(base: str, *names: str) -> tuple[float, ...]:
    """The gateway's /metrics samples of these unlabelled series now (0 for a series not there yet)."""
    text = httpx.get(f"{base}/metrics", timeout=30).text
    found = (re.search(rf"^{name} ([0-9.e+]+)$", text, re.MULTILINE) for name in names)
    return tuple(float(value.group(1)) if value else 0.0 for value in found)


def ingest_metrics(base: str) -> tuple[float, ...]:
    """The ingest worker's takes (batches derived) and events derived so far."""
    return unlabelled_samples(base, "ingest_lag_seconds_count", "events_ingested_total")


def write_groups(base: str) -> tuple[float, ...]:
    """Grouped event transactions so far, and the recorders they stored (`event_write_group_recorders`)."""
    return unlabelled_samples(base, "event_write_group_recorders_count", "event_write_group_recorders_sum")


def failed_commands(base: str) -> float:
    """Database commands the gateway's clients saw fail so far (`db_errors_total`, every label summed): a
    transaction's conflicts and the server's reaping of an idle one show here as retried statements."""
    text = httpx.get(f"{base}/metrics", timeout=30).text
    return sum(float(v) for v in re.findall(r"^db_errors_total\{[^}]*\} ([0-9.e+]+)$", text, re.MULTILINE))


def cpu_per_request(
    gateway: RunningGateway, requests: Callable[[Any], float], work: Callable[[], Any]
) -> tuple[Any, dict[str, float]]:
    """`work`'s result, and each process's CPU milliseconds per request over `work` and the drain of the ingest
    backlog it left (the derivation of its events is part of what a recorded event costs), the gateway's children's
    (`gateway_children_cpu_ms`: its heavy-lane child) included, with the worker's takes and events derived
    meanwhile."""
    base, pids = gateway.base, gateway.pids
    takes, derived = ingest_metrics(base)
    failed = failed_commands(base)
    groups, recorders = write_groups(base)
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
    takes_after, derived_after = ingest_metrics(base)
    figures["ingest_takes"] = takes_after - takes
    figures["events_per_take"] = round((derived_after - derived) / max(takes_after - takes, 1), 1)
    figures["failed_commands"] = failed_commands(base) - failed
    groups_after, recorders_after = write_groups(base)
    # How many recorders shared each grouped transaction (0 when the run recorded nothing).
    figures["recorders_per_group"] = round((recorders_after - recorders) / max(groups_after - groups, 1), 2)
    return result, figures
