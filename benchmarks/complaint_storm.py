"""Complaint ingestion under a storm: `python -m benchmarks.complaint_storm`.

The whole platform runs in-process (gateway, services, an in-memory SecantusDB). Each round uses a fresh
community with FILERS (100) members and sends COMPLAINTS (default 500) `fileComplaint` mutations through the gateway:
first one at a time (the baseline), then all at once (the storm), each on its own community. Reported per
mode: complaints per second, the number of open level-1 incidents (must be exactly 1), and the delay from the
51st complaint (by the server's timestamp) to the incident's `openedAt`. Medians over ROUNDS (default 3).
Level 1 counts distinct filers, so the complaints go round the members: the 51st complaint is the 51st filer's.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from datetime import datetime

from benchmarks.content_harness import Gql, platform

FILE = "mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }"
INCIDENTS = "{ incidents(status: OPEN) { level cause openedAt triggerCount } }"
QUEUE = "{ moderationQueue(status: OPEN, first: 100) { createdAt } }"
# Members filing the complaints (each files COMPLAINTS / FILERS, within the per-member hourly limit of 20).
FILERS = 100


async def _round(gql: Gql, slug: str, n: int, concurrent: bool) -> dict[str, float]:
    community_id = await gql.community(slug)
    _, op_token = await gql.operator(community_id, slug, "op")
    tokens = [(await gql.member(slug, f"m{i}"))[1] for i in range(FILERS)]
    payload = [{"i": {"targetType": "SERVICE", "category": "SERVICE_QUALITY", "text": f"slow {k}"}} for k in range(n)]
    started = time.perf_counter()
    if concurrent:
        await asyncio.gather(*(gql(FILE, payload[k], token=tokens[k % FILERS]) for k in range(n)))
    else:
        for k in range(n):
            await gql(FILE, payload[k], token=tokens[k % FILERS])
    elapsed = time.perf_counter() - started
    incidents = (await gql(INCIDENTS, token=op_token))["incidents"]
    complaints = gql.app.state.services.apps["content"].state.store.moderation.complaints
    from bson import ObjectId

    cursor = (
        complaints.find({"community_id": ObjectId(community_id)}, {"created_at": 1})
        .sort("created_at", 1)
        .skip(50)
        .limit(1)
    )
    fifty_first = [d["created_at"] async for d in cursor][0]
    opened = datetime.fromisoformat(incidents[0]["openedAt"]) if incidents else None
    delay_ms = (opened - fifty_first).total_seconds() * 1000 if opened else float("nan")
    return {"per_second": n / elapsed, "incidents": float(len(incidents)), "delay_ms": delay_ms}


async def run(n: int, rounds: int) -> dict[str, float]:
    results: dict[str, list[dict[str, float]]] = {"sequential": [], "storm": []}
    async with platform(crisis_complaints_per_hour=50, outbox_relay_enabled=False) as gql:
        for r in range(rounds):
            for mode in ("sequential", "storm"):
                results[mode].append(await _round(gql, f"{mode[:3]}-{r}", n, concurrent=mode == "storm"))
    figures: dict[str, float] = {"complaints": float(n), "rounds": float(rounds)}
    for mode, rows in results.items():
        figures[f"{mode}_complaints_per_second"] = round(statistics.median(x["per_second"] for x in rows), 1)
        figures[f"{mode}_delay_51st_to_incident_ms"] = round(statistics.median(x["delay_ms"] for x in rows), 2)
        figures[f"{mode}_max_open_incidents"] = max(x["incidents"] for x in rows)
        print(
            f"{mode:10} {figures[f'{mode}_complaints_per_second']:8.1f} complaints/s  "
            f"delay 51st->incident {figures[f'{mode}_delay_51st_to_incident_ms']:8.2f} ms  "
            f"open incidents per round {[int(x['incidents']) for x in rows]}"
        )
    figures["storm_vs_sequential_throughput"] = round(
        figures["storm_complaints_per_second"] / figures["sequential_complaints_per_second"], 2
    )
    print(f"storm / sequential throughput: x{figures['storm_vs_sequential_throughput']}")
    return figures


def main() -> None:
    n = int(os.environ.get("COMPLAINTS", "500"))
    rounds = int(os.environ.get("ROUNDS", "3"))
    print(json.dumps(asyncio.run(run(n, rounds))))


if __name__ == "__main__":
    main()
