"""The hot path's feed figure with feeds asked for by many distinct members, as an outside audit would ask for it.

    python -m benchmarks.feed_many_members [--members 2000] [--events 20] [--engaged-every 1] [--seconds 10]
                                           [--census] [--engaged-one]

benchmarks/hot_path.py's published `feed_vs_typename_c8` is one member's repeated feed (the reader, no events), and its
`feed_members_vs_typename_c8` cycles 40 members: both meet a member whose state the gateway keeps between their feeds
(up to 1,000 members: service/feature_inputs.py MEMBERS_KEPT, member_state.PROFILES_KEPT). Here the same set-up
(benchmarks/gateway_harness.py: server and gateway pinned to one core, wrk on the other, rate limits off, 300 items,
5 untimed feeds) measures in one run, at 8 connections, each timed run started once both processes are quiet
(benchmarks/isolation.py `Watched.quiet`):

- `{ __typename }` (before, and again after the feeds: the baseline bracketed);
- the reader's repeated `feed(first: 10)`, as the published figure;
- the same feed with each request the next of --members members (every --engaged-every-th with --events opens of
  items of their own topics, recorded and derived before; each member's feed served once untimed, as hot_path does).

Each with the gateway's and the database server's CPU milliseconds per request (steadier than requests/s on a
shared machine), and the ratios to the typename run before and to the mean of the two. Last line: one JSON object.

`--engaged-one`: also the first of those members' repeated feed (a member with history, kept between their feeds):
between the reader's and the many members' runs, it splits what a member's history costs from what a member not kept
costs.

`--census`: the gateway run by benchmarks/command_census.py, and each feed run's database commands per feed (count
and round-trip ms, the costliest first: `commands_per_feed`), the one member's beside the many members'. The
listener adds its own CPU to the gateway's figure: compare the CPU figures of runs without it.
"""

from __future__ import annotations

import argparse
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.command_census import CENSUS_FILE
from benchmarks.common import print_summary
from benchmarks.gateway_calls import FEED
from benchmarks.gateway_harness import (
    TYPENAME,
    DatabaseServer,
    Figures,
    RunningGateway,
    database_server,
    ratio,
    running_gateway,
    wrk,
)
from benchmarks.heavy_query_commands import MODULE as CENSUS_MODULE
from benchmarks.heavy_query_commands import signalled
from benchmarks.hot_path import feed_members, need_wrk
from benchmarks.isolation import Watched, listening_pid

# Commands listed per feed run with --census (the costliest first).
CENSUS_ROWS = 8


def timed(
    gateway: RunningGateway,
    watched: Watched,
    token: str | list[str],
    query: str,
    seconds: int,
    census: Path | None = None,
) -> dict[str, Any]:
    """One wrk run at 8 connections once both processes are quiet, with each one's CPU ms per request (and, with
    `census`, the database commands per request)."""
    waited = watched.quiet()
    if census is not None:
        signalled(gateway.gateway_pid, signal.SIGUSR2)
    before = gateway.cpu()
    result: dict[str, Any] = dict(wrk(gateway.base, token, {"query": query}, connections=8, seconds=seconds))
    after = gateway.cpu()
    requests = max(float(result["rps"] or 0.0) * seconds, 1.0)
    result["gateway_cpu_ms"] = round((after[0] - before[0]) / requests * 1000, 2)
    result["server_cpu_ms"] = round((after[1] - before[1]) / requests * 1000, 2)
    result["quiet_wait_seconds"] = waited
    if census is not None:
        rows = signalled(gateway.gateway_pid, signal.SIGUSR1, census)
        result["commands_per_feed"] = [
            [name, round(count / requests, 3), round(ms / requests, 3)] for name, count, ms in rows[:CENSUS_ROWS]
        ]
    return result


def run(
    seconds: int,
    items: int,
    members: int,
    events: int,
    engaged_every: int,
    *,
    census: bool = False,
    engaged_one: bool = False,
) -> dict[str, Any]:
    need_wrk()
    figures = Figures()
    figures["seconds_per_run"] = seconds
    figures["rate_limits"] = "off (RATE_LIMITS_ENABLED=false)"
    figures["load_average_start"] = round(os.getloadavg()[0], 2)
    with database_server() as server, _gateway(server, items, census) as (gateway, census_file):
        tokens = feed_members(gateway.platform, gateway.content, members, events, engaged_every)
        figures["feed_members"] = f"{members} distinct members, every {engaged_every} with {events} events"
        figures["ingest_drain_seconds"] = gateway.drain()
        for token in tokens:  # each member's feed once, untimed (as hot_path's members run does)
            gateway.platform.call(FEED, token=token)
        figures["ingest_drain_seconds_after_untimed"] = gateway.drain()
        watched = Watched(listening_pid(gateway.base), server.pid)
        typename = timed(gateway, watched, gateway.token, TYPENAME, seconds)
        figures["typename_c8"] = typename
        one = timed(gateway, watched, gateway.token, FEED, seconds, census_file)
        figures["feed_one_member_c8"] = one
        if engaged_one:
            engaged = tokens[engaged_every - 1]
            figures["feed_one_engaged_member_c8"] = timed(gateway, watched, engaged, FEED, seconds, census_file)
        many = timed(gateway, watched, tokens, FEED, seconds, census_file)
        figures["feed_many_members_c8"] = many
        after = timed(gateway, watched, gateway.token, TYPENAME, seconds)
        figures["typename_after_c8"] = after
        bracket = (float(typename["rps"] or 0.0) + float(after["rps"] or 0.0)) / 2
        figures["feed_one_member_vs_typename_c8"] = ratio(float(one["rps"] or 0.0), float(typename["rps"] or 0.0))
        figures["feed_many_members_vs_typename_c8"] = ratio(float(many["rps"] or 0.0), float(typename["rps"] or 0.0))
        figures["feed_many_members_vs_typename_mean_c8"] = ratio(float(many["rps"] or 0.0), bracket)
        figures["feed_many_vs_one_member_rps"] = ratio(float(many["rps"] or 0.0), float(one["rps"] or 0.0))
    figures["load_average_end"] = round(os.getloadavg()[0], 2)
    return figures


@contextmanager
def _gateway(server: DatabaseServer, items: int, census: bool) -> Iterator[tuple[RunningGateway, Path | None]]:
    """The harness's gateway, run by the command census with `census` (and the file it writes then)."""
    if not census:
        with running_gateway(server, "fmm", items=items, warm=True) as gateway:
            yield gateway, None
        return
    census_file = server.scratch / "census.json"
    env = {CENSUS_FILE: str(census_file)}
    with running_gateway(server, "fmm", items=items, warm=True, module=CENSUS_MODULE, env=env) as gateway:
        yield gateway, census_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--members", type=int, default=2000, help="distinct members whose feeds are asked in turn")
    parser.add_argument("--events", type=int, default=20, help="opens recorded for each engaged member (at most 500)")
    parser.add_argument("--engaged-every", type=int, default=1, help="every N-th member has events (1: all)")
    parser.add_argument("--census", action="store_true", help="each feed run's database commands per feed")
    parser.add_argument("--engaged-one", action="store_true", help="also one engaged member's repeated feed")
    args = parser.parse_args()
    if not 0 <= args.events <= 500 or args.engaged_every < 1 or args.members < 1:
        parser.error("--events is 0-500 (one recordEvents), --engaged-every and --members at least 1")
    figures = run(
        args.seconds,
        args.items,
        args.members,
        args.events,
        args.engaged_every,
        census=args.census,
        engaged_one=args.engaged_one,
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
