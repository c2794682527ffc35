"""The honeycomb hot path from outside: events in and feeds out through a real gateway process under wrk.

    python -m benchmarks.hot_path [--seconds 10] [--items 300] [--skip-history] [--slot-members 100000] [--model]
        [--loop-meter]
    python -m benchmarks.hot_path --isolation-only [--seconds 10] [--isolation-rounds 3] [--loop-meter]
    python -m benchmarks.hot_path --isolation-only --isolation-soak 300 [--loop-meter]
    python -m benchmarks.hot_path --isolation-only --isolation-heavy-gateway-nice 10 [--loop-meter]
    python -m benchmarks.hot_path --isolation-only --isolation-reader-events 37000 [--loop-meter]
    python -m benchmarks.hot_path --isolation-only --isolation-probe feed [--loop-meter]
    python -m benchmarks.hot_path --events-only [--seconds 10]

Set-up, as the hot-path issue prescribes: one SecantusDB server and one gateway process (every service mounted in
it) pinned to core 0, the load generator (wrk, Debian package `wrk`) pinned to core 1, rate limits and cost
budgets off (`RATE_LIMITS_ENABLED=false`; the per-request cost maximum stays). Each figure is a ratio against a
baseline measured in the same run:

- `recordEvent` requests/s at 8 and 32 connections vs bare `insert_one` of the same document on the same server
  (`retryWrites=false`, after 12,000 warm-up writes so both meet the server in its sustained state), and
  `recordEvents` of 100 events in events/s vs bare `insert_one` at 8 connections (the issue's goal:
  `record_events100_vs_bare_one`) and vs bare `insert_many` of 100 (`record_events100_vs_bare_many`, stricter).
  In the full run each events run's baseline is measured right before it (`bare_insert_one_c8_beside` and the
  like), once the worker has drained: after the feed runs the server writes about half as fast as at the start,
  bare inserts as much as the platform's (docs/performance.md, "recordEvents in the full run (seventeenth
  session)"); the ratios to the start's baselines stay printed (`record_event_vs_bare_start_c8`,
  `record_events100_vs_bare_one_start`), and `record_events100_until_derived_vs_bare_one` counts the seconds the
  worker needed after the batches' run;
- `feed(first: 10)` requests/s vs `{ __typename }` on the same gateway, with p99 at 32 connections (after a few
  untimed feeds: a deployed replica is warm); ranked by the heuristic fallback, or with `--model` by a LightGBM
  model promoted first (benchmarks/served_model.py; `feed_ranker` says which);
- the same at 8 connections with each request another of FEED_MEMBERS members' (`feed_members_vs_typename_c8`):
  no member's reads repeated back to back, half of them with engagements and their own topics' pools;
- one feed's latency (median of sequential calls) with the process's prepared pool fresh (hit) and just expired
  (miss): the throughput runs meet a hit but for one rebuild every RANKING_POOL_TTL_SECONDS;
- feed latency (median of sequential calls, the three members' calls in turn) for members with 0, 1,000 and
  10,000 events;
- `{ __typename }` p99 while maximum-cost queries run, vs idle measured right before (and again right after) on the
  same gateway, with how many maximum-cost queries completed meanwhile; idle and loaded alternate
  --isolation-rounds times (3) and the median of the rounds' ratios is printed beside the first round's, with the
  CPU each process spent and requests/s loaded vs idle (`--isolation-only`: just these, with the database server's
  scheduling as the kernel has it, `isolation_database_priority`: SECANTUS_NICE; benchmarks/isolation.py);
  each timed run starts once the gateway and the database server are quiet (the in-memory engine's eviction after
  earlier phases' writes ran with no request in flight), the first once the gateway is 40 s old; `--isolation-soak`
  runs one loaded run that long instead and samples the gateway's resident memory every 10 s (`soak_gateway_rss_mb`);
  the gateway's heavy-lane child answers the maximum-cost queries (HEAVY_LANE_PROCESS, on by default; =false in the
  environment: the gateway does; gateway/heavy_lane.py; its CPU and memory reported apart, `isolation_heavy_gateway`),
  and with
  `--isolation-only --isolation-heavy-gateway-nice N` a second gateway process on the same database and core at
  niceness N does (the eighteenth session's experiment);
- a golden-slot run of --slot-members members (benchmarks/slot_run.py, pinned to the platform's core) vs bare
  `Booster.predict` throughput, whole and in two partitions, with each member delivered exactly once
  (`--slot-members 0` skips it; it is linear in members).

`--events-only` measures just the bare baselines, `recordEvent` at 8 and 32 connections and `recordEvents` of 100
(once the gateway's heavy-lane child has started: `lane_child_start_wait_seconds`), and beside each run the CPU
milliseconds per request of the gateway process (and of its children) and of the database server, the ingest worker's
derivation of that run's events included (counted until the outbox is drained after the run):
`record_event_c8_cpu_ms` and the like, with the database commands the gateway saw fail meanwhile (`failed_commands`:
transaction conflicts, transactions the server reaped).

Before each timed run (and before the history feeds) the harness waits until the ingest worker has derived every
event recorded so far (`ingest_drain_seconds` says how long each wait took): a backlog left by one run would
otherwise share the core with the next and be measured as its slowness.

Prints a table, then one JSON line of every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from benchmarks.common import print_summary
from benchmarks.gateway_calls import FEED, RECORD, RECORD_MANY, WARM_FEEDS, Platform, warm_feeds
from benchmarks.gateway_harness import (
    SERVER_CORE,
    TYPENAME,
    Figures,
    RunningGateway,
    children_cpu_seconds,
    database_server,
    ratio,
    running_gateway,
    second_gateway,
    wait_children_quiet,
    wrk,
)
from benchmarks.isolation import (
    ISOLATION_ROUNDS,
    PROBES,
    Watched,
    heavy_lane_child,
    isolation,
    listening_pid,
    priority,
    probe_keys,
    soak,
)
from benchmarks.request_cost import cpu_per_request
from benchmarks.served_model import promote_model
from benchmarks.slot_run import MEMORY_MEMBERS_MAX
from benchmarks.write_baselines import bare_baselines, beside_baseline
from infra.database_server import (
    CACHE_SIZE_ENV,
    INDEX_OPTIONS_ENV,
    JOURNALED_COMMITS_ENV,
    TTL_SWEEP_RELEASE_ENV,
    UPDATE_CATALOG_ENV,
    cache_size_wanted,
    patch_wanted,
)

# RANKING_POOL_TTL_SECONDS as the gateway runs it (unset: its default): a prepared feed pool's age.
POOL_TTL_SECONDS = 5.0
# Members' history lengths whose feed latencies are compared.
HISTORY_SIZES = (0, 1000, 10000)

# Distinct members whose feeds the many-members run asks for in turn; every other one has engaged with a few items.
FEED_MEMBERS = 40
FEED_MEMBER_EVENTS = 20


def record_events(platform: Platform, token: str, content_ids: list[str], count: int) -> None:
    for start in range(0, count, 100):
        events = [{"contentId": content_ids[(start + k) % len(content_ids)], "type": "OPEN"} for k in range(100)]
        platform.call(RECORD_MANY, {"i": {"events": events[: count - start]}}, token=token)


def feed_members(
    platform: Platform,
    content_ids: list[str],
    members: int = FEED_MEMBERS,
    events: int = FEED_MEMBER_EVENTS,
    engaged_every: int = 2,
) -> list[str]:
    """`members` members' tokens, every `engaged_every`-th one (every other by default; 1: all) with `events` opens
    of items of their own choosing (their own topics, so their own pools); the caller serves each member's feed once
    (untimed, like WARM_FEEDS). benchmarks/feed_many_members.py asks for more members than the gateway keeps."""
    tokens = []
    for k in range(members):
        token, _ = platform.register("hot", f"fm{k}")
        if events and k % engaged_every == engaged_every - 1:
            mine = [content_ids[(k * 7 + j) % len(content_ids)] for j in range(events)]
            platform.call(RECORD_MANY, {"i": {"events": [{"contentId": c, "type": "OPEN"} for c in mine]}}, token=token)
        tokens.append(token)
    return tokens


def pool_hit_and_miss_ms(platform: Platform, token: str, repeat: int = 5) -> tuple[float, float]:
    """One feed's latency (median of sequential calls) with the process's prepared pool fresh (a hit: what the
    throughput runs mostly meet) and with it just expired (a miss: candidates, counters, text rows and item block
    rebuilt), waiting out RANKING_POOL_TTL_SECONDS before each miss."""
    hits, misses = [], []
    for _ in range(repeat):
        time.sleep(POOL_TTL_SECONDS + 0.2)
        started = time.perf_counter()
        platform.call(FEED, token=token)
        misses.append(time.perf_counter() - started)
        started = time.perf_counter()
        platform.call(FEED, token=token)
        hits.append(time.perf_counter() - started)
    return round(statistics.median(hits) * 1000, 1), round(statistics.median(misses) * 1000, 1)


def history_latencies_ms(
    platform: Platform, content_ids: list[str], drain: Callable[[], float], repeat: int = 15
) -> dict[int, float | None]:
    """Feed latency (median of sequential calls) of members with 0, 1,000 and 10,000 events, their calls taken in
    turn, so that whatever else the machine does then (the ingest worker deriving the events just recorded, the
    impressions of the runs before) weighs on the three alike."""
    tokens: dict[int, str] = {}
    for size in HISTORY_SIZES:
        tokens[size], _ = platform.register("hot", f"h{size}")
        record_events(platform, tokens[size], content_ids, size)
    drain()  # the members' events derived (member_recent, counters) before their feeds are timed
    samples: dict[int, list[float]] = {size: [] for size in HISTORY_SIZES}
    try:
        for size in HISTORY_SIZES:
            platform.call(FEED, token=tokens[size])
        for _ in range(repeat):
            for size in HISTORY_SIZES:
                started = time.perf_counter()
                platform.call(FEED, token=tokens[size])
                samples[size].append(time.perf_counter() - started)
    except httpx.TimeoutException:
        pass  # a feed outlasted the client's timeout: what was measured stands, said by a missing figure
    return {size: round(statistics.median(s) * 1000, 1) if s else None for size, s in samples.items()}


def slot_run(uri: str, members: int) -> dict[str, Any]:
    """benchmarks/slot_run.py's figures, run pinned to the platform's core on the same (in-memory) server, or, past
    what the in-memory engine holds (slot_run.MEMORY_MEMBERS_MAX), on a server of its own on disk, pinned alike."""
    command = ["taskset", "-c", SERVER_CORE, sys.executable, "-m", "benchmarks.slot_run", "--members", str(members)]
    server = [] if members > MEMORY_MEMBERS_MAX else ["--mongodb-uri", uri]
    output = subprocess.run([*command, *server], check=True, capture_output=True, text=True).stdout
    figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return figures


def header(seconds: int) -> Figures:
    """The figures every mode starts with: its run length and the set-up's switches."""
    figures = Figures()
    figures["seconds_per_run"] = seconds
    figures["rate_limits"] = "off (RATE_LIMITS_ENABLED=false)"
    figures["dev_server_index_options_per_chunk"] = patch_wanted(os.environ.get(INDEX_OPTIONS_ENV))
    figures["dev_server_cache_size"] = cache_size_wanted(os.environ.get(CACHE_SIZE_ENV))
    figures["dev_server_ttl_sweep_release"] = patch_wanted(os.environ.get(TTL_SWEEP_RELEASE_ENV))
    figures["dev_server_journaled_commits"] = patch_wanted(os.environ.get(JOURNALED_COMMITS_ENV))
    figures["dev_server_update_catalog_per_command"] = patch_wanted(os.environ.get(UPDATE_CATALOG_ENV))
    return figures


def need_wrk() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")


def run_events(seconds: int, items: int) -> dict[str, Any]:
    """Only the events figures (`--events-only`): the bare baselines, recordEvent at 8 and 32 connections and
    recordEvents of 100, each with the gateway's and the server's CPU per request (derivation included)."""
    need_wrk()
    figures = header(seconds)
    figures["load_average_start"] = round(os.getloadavg()[0], 2)
    with database_server() as server:
        bare_baselines(server.uri, seconds, figures)
        with running_gateway(server, "hot", items=items) as gateway:
            base, token = gateway.base, gateway.token
            gateway.drain()
            figures["lane_child_start_wait_seconds"] = wait_children_quiet(gateway.gateway_pid)
            figures["lane_child_start_cpu_seconds"] = round(sum(children_cpu_seconds(gateway.gateway_pid).values()), 2)
            one = {"contentId": gateway.content[0], "type": "OPEN"}
            hundred = [{"contentId": gateway.content[k % items], "type": "OPEN"} for k in range(100)]
            for c in (8, 32):
                body = {"query": RECORD, "variables": {"i": one}}

                def record(c: int = c, body: dict[str, Any] = body) -> dict[str, float]:
                    return wrk(base, token, body, connections=c, seconds=seconds)

                r, cpu = cpu_per_request(gateway, lambda result: result["rps"] * seconds, record)
                figures[f"record_event_c{c}"] = r
                figures[f"record_event_vs_bare_c{c}"] = ratio(r["rps"], figures[f"bare_insert_one_c{c}"])
                figures[f"record_event_c{c}_cpu"] = cpu
            body = {"query": RECORD_MANY, "variables": {"i": {"events": hundred}}}
            many, cpu = cpu_per_request(
                gateway,
                lambda result: result["rps"] * seconds,
                lambda: wrk(base, token, body, connections=8, seconds=seconds),
            )
            figures["record_events100_eps"] = round(many["rps"] * 100, 1)
            figures["record_events100_vs_bare_many"] = ratio(many["rps"] * 100, figures["bare_insert_many100_eps"])
            figures["record_events100_vs_bare_one"] = ratio(many["rps"] * 100, figures["bare_insert_one_c8"])
            figures["record_events100_cpu"] = cpu
    figures["load_average_end"] = round(os.getloadavg()[0], 2)
    return figures


def run(
    seconds: int,
    items: int,
    history: bool,
    slot_members: int = 0,
    rounds: int = ISOLATION_ROUNDS,
    *,
    model: bool = False,
    loop_meter: bool = False,
) -> dict[str, Any]:
    need_wrk()
    figures = header(seconds)
    with database_server() as server:
        bare_baselines(server.uri, seconds, figures)
        meter = server.scratch / "loop_meter.jsonl" if loop_meter else None
        module, env = ("benchmarks.loop_meter", {"LOOP_METER_FILE": str(meter)}) if meter else ("gateway", {})
        with running_gateway(server, "hot", items=items, warm=True, module=module, env=env) as gateway:
            platform, base, token = gateway.platform, gateway.base, gateway.token
            figures["feed_ranker"] = (
                f"LightGBM model {promote_model(gateway)} (benchmarks/served_model.py)"
                if model
                else "the heuristic (no model promoted; --model promotes one)"
            )
            figures["feed_warm_up"] = f"{WARM_FEEDS} untimed feeds before the timed runs"
            hit, miss = pool_hit_and_miss_ms(platform, token)
            figures["feed_ms_pool_hit"] = hit
            figures["feed_ms_pool_miss"] = miss
            one = {"contentId": gateway.content[0], "type": "OPEN"}
            hundred = [{"contentId": gateway.content[k % items], "type": "OPEN"} for k in range(100)]
            typename = {"query": TYPENAME}
            feed = {"query": FEED}
            drains: list[float] = []
            # Each typename baseline waits until neither process is busy: after the bare inserts beside the
            # recordEvent runs the server kept a core's share busy for seconds, which slowed the 32-connection
            # baseline by half (and flattered the feed's ratio) before this wait (seventeenth session).
            watched = Watched(listening_pid(base), server.pid, meter)
            quiet_waits: list[float | None] = []
            for connections in (8, 32):
                c = connections
                drains.append(gateway.drain())
                quiet_waits.append(watched.quiet())
                t = wrk(base, token, typename, connections=c, seconds=seconds)
                f = wrk(base, token, feed, connections=c, seconds=seconds)
                figures[f"typename_c{c}"] = t
                figures[f"feed_c{c}"] = f
                figures[f"feed_vs_typename_c{c}"] = ratio(f["rps"], t["rps"])
                figures[f"feed_p99_c{c}_ms"] = f.get("p99_ms")
                drains.append(gateway.drain())
                bare = beside_baseline(server.uri, seconds, figures, f"bare_insert_one_c{c}_beside", connections=c)
                r = wrk(base, token, {"query": RECORD, "variables": {"i": one}}, connections=c, seconds=seconds)
                figures[f"record_event_c{c}"] = r
                figures[f"record_event_vs_bare_c{c}"] = ratio(r["rps"], bare)
                figures[f"record_event_vs_bare_start_c{c}"] = ratio(r["rps"], figures[f"bare_insert_one_c{c}"])
            drains.append(gateway.drain())
            bare_many = beside_baseline(server.uri, seconds, figures, "bare_insert_many100_beside", batch=100)
            bare_one = beside_baseline(server.uri, seconds, figures, "bare_insert_one_c8_beside_batches", connections=8)
            many = wrk(
                base,
                token,
                {"query": RECORD_MANY, "variables": {"i": {"events": hundred}}},
                connections=8,
                seconds=seconds,
            )
            events_per_s = many["rps"] * 100
            figures["record_events100_eps"] = round(events_per_s, 1)
            figures["record_events100_vs_bare_many"] = ratio(events_per_s, bare_many)
            # The goal for batches: events/s against bare `insert_one` at 8 connections, as recordEvent's.
            figures["record_events100_vs_bare_one"] = ratio(events_per_s, bare_one)
            figures["record_events100_vs_bare_one_start"] = ratio(events_per_s, figures["bare_insert_one_c8"])
            drained = gateway.drain()  # the batches' own derivation, waited out: counted in the rate below
            drains.append(drained)
            figures["record_events100_until_derived_vs_bare_one"] = ratio(
                events_per_s * seconds / (seconds + drained), bare_one
            )
            members = feed_members(platform, gateway.content)
            drains.append(gateway.drain())
            for member_token in members:
                platform.call(FEED, token=member_token)
            t = wrk(base, token, typename, connections=8, seconds=seconds)
            f = wrk(base, members, feed, connections=8, seconds=seconds)
            figures["feed_members"] = f"{FEED_MEMBERS} distinct members in turn, half with {FEED_MEMBER_EVENTS} events"
            figures["typename_members_run_c8"] = t
            figures["feed_members_c8"] = f
            figures["feed_members_vs_typename_c8"] = ratio(f["rps"], t["rps"])
            figures["ingest_drain_seconds"] = drains  # the worker's backlog after each run above, waited out
            figures["typename_quiet_wait_seconds"] = quiet_waits
            lane_child = heavy_lane_child(base, token)  # HEAVY_LANE_PROCESS: its child answers the heavy queries
            if lane_child is not None:
                figures["isolation_heavy_gateway"] = f"the gateway's heavy-lane child at {priority(lane_child)}"
                watched = Watched(watched.gateway_pid, server.pid, meter, lane_child)
            for key, value in isolation(base, token, seconds, gateway.drain, rounds, watched).items():
                figures[key] = value
            if history:
                latencies = history_latencies_ms(platform, gateway.content, gateway.drain)
                for size, latency in latencies.items():
                    figures[f"feed_ms_history_{size}"] = latency
                figures["feed_ms_by_history"] = {str(k): v for k, v in latencies.items()}
                first, last = latencies[0], latencies[10000]
                figures["feed_10000_vs_0"] = ratio(last, first) if first and last else None
        if slot_members:
            for key, value in slot_run(server.uri, slot_members).items():
                figures[key] = value
    return figures


def run_isolation(
    seconds: int,
    items: int,
    rounds: int = ISOLATION_ROUNDS,
    *,
    loop_meter: bool = False,
    soak_seconds: int = 0,
    heavy_gateway_nice: int | None = None,
    reader_events: int = 0,
    probe: str = "typename",
) -> dict[str, Any]:
    """Only the isolation figures (`--isolation-only`): the gateway set up and warmed as `run` does, on a fresh
    server (none of the throughput runs' writes before it), then `isolation`; with `loop_meter`, the gateway run by
    benchmarks/loop_meter.py (its loop's time on the heavy queries reported); with `soak_seconds`, instead of the
    rounds one loaded run that long with the gateway's resident memory sampled (benchmarks/isolation.py `soak`);
    with `heavy_gateway_nice` (`--isolation-heavy-gateway-nice`, an experiment of the eighteenth session), a second
    gateway process on the same database and core at that niceness, which the maximum-cost client asks instead;
    with `reader_events` (`--isolation-reader-events`), the measured member (whom the maximum-cost client is too)
    first records that many events through recordEvents of 100, derived before the rounds: the history the full
    run's events phases leave that member (~37,000 events). `probe` (`--isolation-probe`): what is measured idle and
    beside the maximum-cost queries, `typename` (the issue's figure) or `feed` (the member's `feed(first: 10)`, which
    needs the database: whether the cheap path's reads and writes wait behind the heavy queries'), its keys then
    named `feed_probe_`."""
    figures = header(seconds)
    with database_server() as server:
        figures["isolation_database_priority"] = priority(server.pid)
        meter = server.scratch / "loop_meter.jsonl" if loop_meter else None
        module, env = ("benchmarks.loop_meter", {"LOOP_METER_FILE": str(meter)}) if meter else ("gateway", {})
        with (
            running_gateway(server, "hot", items=items, warm=True, module=module, env=env) as gateway,
            _heavy_gateway(gateway, heavy_gateway_nice) as (heavy_base, heavy_pid),
        ):
            base, token = gateway.base, gateway.token
            if reader_events:
                record_events(gateway.platform, token, gateway.content, reader_events)
                figures["isolation_reader_events"] = reader_events
                figures["isolation_reader_events_drain_seconds"] = gateway.drain()
            lane_child = heavy_lane_child(base, token)  # HEAVY_LANE_PROCESS: the gateway's child answers heavy ones
            if lane_child is not None:
                figures["isolation_heavy_gateway"] = f"the gateway's heavy-lane child at {priority(lane_child)}"
            watched = Watched(listening_pid(base), server.pid, meter, heavy_pid or lane_child)
            if heavy_base is not None and heavy_pid is not None:
                figures["isolation_heavy_gateway"] = f"a second gateway at {priority(heavy_pid)}"
                heavy_platform = Platform(heavy_base)
                warm_feeds(heavy_platform, token)
                heavy_platform.close()
            if soak_seconds > 0:
                figures["isolation_gateway_settle_seconds"] = watched.gateway_settled()
                figures["isolation_quiet_wait_seconds"] = [watched.quiet()]
                measured = soak(base, token, soak_seconds, watched)
            else:
                measured = isolation(base, token, seconds, gateway.drain, rounds, watched, heavy_base, PROBES[probe])
                figures["isolation_probe"] = probe
            for key, value in probe_keys(measured, probe).items():
                figures[key] = value
    return figures


@contextlib.contextmanager
def _heavy_gateway(gateway: RunningGateway, nice: int | None) -> Iterator[tuple[str | None, int | None]]:
    """A second gateway at niceness `nice` for the heavy client (its base URL and PID), or (None, None)."""
    if nice is None:
        yield None, None
        return
    with second_gateway(gateway, nice=nice) as (base, pid):
        yield base, pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--skip-history", action="store_true", help="skip the 0/1,000/10,000-event feed latencies")
    parser.add_argument("--slot-members", type=int, default=100_000, help="members of the slot run (0: skip it)")
    parser.add_argument("--isolation-only", action="store_true", help="only the typename-under-max-cost figures")
    parser.add_argument("--events-only", action="store_true", help="only the recordEvent(s) figures, with CPU")
    parser.add_argument(
        "--model",
        action="store_true",
        help="feeds ranked by a promoted LightGBM model (benchmarks/served_model.py), not the heuristic fallback",
    )
    parser.add_argument(
        "--isolation-rounds",
        type=int,
        default=ISOLATION_ROUNDS,
        help="idle/loaded alternations of the isolation figure",
    )
    parser.add_argument(
        "--loop-meter",
        action="store_true",
        help="the gateway's loop metered (benchmarks/loop_meter.py) in the isolation rounds, its heavy share reported",
    )
    parser.add_argument(
        "--isolation-heavy-gateway-nice",
        type=int,
        default=None,
        metavar="NICE",
        help="with --isolation-only: the maximum-cost client asks a second gateway process at this niceness",
    )
    parser.add_argument(
        "--isolation-reader-events",
        type=int,
        default=0,
        metavar="N",
        help="with --isolation-only: the measured member first records N events (the full run leaves ~37,000)",
    )
    parser.add_argument(
        "--isolation-soak",
        type=int,
        default=0,
        metavar="SECONDS",
        help="with --isolation-only: one loaded run this long instead of the rounds, the gateway's memory sampled",
    )
    parser.add_argument(
        "--isolation-probe",
        choices=sorted(PROBES),
        default="typename",
        help="with --isolation-only: what is measured beside the maximum-cost queries (feed: a query that needs the "
        "database)",
    )
    args = parser.parse_args()
    if args.events_only:
        figures = run_events(args.seconds, args.items)
    elif args.isolation_only:
        figures = run_isolation(
            args.seconds,
            args.items,
            args.isolation_rounds,
            loop_meter=args.loop_meter,
            soak_seconds=args.isolation_soak,
            heavy_gateway_nice=args.isolation_heavy_gateway_nice,
            reader_events=args.isolation_reader_events,
            probe=args.isolation_probe,
        )
    else:
        figures = run(
            args.seconds,
            args.items,
            not args.skip_history,
            args.slot_members,
            args.isolation_rounds,
            model=args.model,
            loop_meter=args.loop_meter,
        )
    print_summary(figures)


if __name__ == "__main__":
    main()
