"""The hot path's events figures as an outside audit would send the events: many members, many items, each event
with its own client id.

    python -m benchmarks.events_many_members [--members 200] [--seconds 10] [--items 300]

benchmarks/hot_path.py's published events figures (`--events-only`) send every event from one member, a single
`recordEvent` always on the same item, and no `clientEventId`: the ingest worker's derivation then touches one
member's state and few items' counters, and no idempotency key is stored. Here the same set-up
(benchmarks/gateway_harness.py: server and gateway pinned to one core, wrk on the other, rate limits off, bare
`insert_one` baselines after 12,000 warm-up writes, `retryWrites=false`) sends, through wrk scripts that build each
request afresh:

- `recordEvent` at 8 connections on a cold gateway and community (`record_event_cold_c8`: the members' first
  requests, the items' first counters), then at 8 and 32 connections, each request the next of --members members'
  tokens, on the next of the community's items, with a `clientEventId` unique to the run;
- `recordEvents` of 100 at 8 connections, each request one member's (in turn) 100 events on 100 items in turn,
  each with its own `clientEventId`.

The runs start once the gateway's heavy-lane child (HEAVY_LANE_PROCESS) has started (`lane_child_start_wait_seconds`:
its start, seconds of CPU at niceness 10 on the same core, overlapped the first runs before). Beside each run: the
gateway's, its child's and the server's CPU milliseconds per request, the derivation of the run's events
included (`request_cost.cpu_per_request`), the seconds the ingest worker took after the run to derive its backlog,
and the rate "until derived" (the run's events over its seconds plus that drain): what the platform sustains when
nothing is left behind. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from benchmarks.common import print_summary
from benchmarks.gateway_calls import RECORD, RECORD_MANY
from benchmarks.gateway_harness import (
    WRK_ERRORS,
    RunningGateway,
    children_cpu_seconds,
    database_server,
    ratio,
    running_gateway,
    wait_children_quiet,
    wrk,
)
from benchmarks.hot_path import header, need_wrk
from benchmarks.request_cost import cpu_per_request
from benchmarks.write_baselines import bare_baselines

# wrk's script: each request the next member's token and the next items, each event a client id of its own (the
# thread's number that WRK_ERRORS's setup gives, a counter and the run's nonce). The body is JSON made by string
# concatenation around the events; %(...)s are filled from Python.
WRK_EVENTS_SCRIPT = (
    """
local tokens = {%(tokens)s}
local items = {%(items)s}
local per_request = %(per_request)d
local counter = 0
request = function()
  counter = counter + 1
  local member = tokens[(counter %% #tokens) + 1]
  local events = {}
  for k = 1, per_request do
    local item = items[((counter * per_request + k) %% #items) + 1]
    local id = string.format("%(nonce)s-%%d-%%d-%%d", thread_number, counter, k)
    events[k] = '{"contentId":"' .. item .. '","type":"OPEN","clientEventId":"' .. id .. '"}'
  end
  local body
  if per_request == 1 then
    body = '{"query":%(query)s,"variables":{"i":' .. events[1] .. '}}'
  else
    body = '{"query":%(query)s,"variables":{"i":{"events":[' .. table.concat(events, ",") .. ']}}}'
  end
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. member}
  return wrk.format("POST", nil, headers, body)
end
"""
    + WRK_ERRORS
)


def events_script(tokens: list[str], items: list[str], per_request: int, nonce: str) -> str:
    query = RECORD if per_request == 1 else RECORD_MANY
    return WRK_EVENTS_SCRIPT % {
        "tokens": ",".join(f'"{t}"' for t in tokens),
        "items": ",".join(f'"{i}"' for i in items),
        "per_request": per_request,
        "nonce": nonce,
        "query": json.dumps(query),
    }


def timed_run(
    gateway: RunningGateway, script: str, *, connections: int, seconds: int, per_request: int
) -> dict[str, Any]:
    """One wrk run of `script` with the processes' CPU per request, the drain after it and the rate until derived."""

    def send() -> dict[str, float]:
        return wrk(gateway.base, "", {}, connections=connections, seconds=seconds, script=script)

    result, cpu = cpu_per_request(gateway, lambda r: r["rps"] * seconds, send)
    events = result["rps"] * seconds * per_request
    until_derived = events / (seconds + cpu["drain_seconds"])
    return {
        **result,
        "cpu": cpu,
        "events_per_second": round(result["rps"] * per_request, 1),
        "until_derived_eps": round(until_derived, 1),
    }


def run(members: int, seconds: int, items: int) -> dict[str, Any]:
    need_wrk()
    figures = header(seconds)
    figures["events_from"] = f"{members} members in turn, items in turn, a clientEventId on every event"
    figures["load_average_start"] = round(os.getloadavg()[0], 2)
    with database_server() as server:
        bare_baselines(server.uri, seconds, figures)
        with running_gateway(server, "hot", items=items) as gateway:
            tokens = [gateway.platform.register("hot", f"ev{k}")[0] for k in range(members)]
            gateway.drain()
            figures["lane_child_start_wait_seconds"] = wait_children_quiet(gateway.gateway_pid)
            figures["lane_child_start_cpu_seconds"] = round(sum(children_cpu_seconds(gateway.gateway_pid).values()), 2)
            # The first run meets a cold gateway and community: each member's first request, each item's first
            # counters and each member's first kept engagements. Reported apart (`record_event_cold_c8`); the timed
            # runs after it meet the platform in its sustained state, as the bare baselines meet the server.
            script = events_script(tokens, gateway.content, 1, "cold8")
            cold = timed_run(gateway, script, connections=8, seconds=seconds, per_request=1)
            figures["record_event_cold_c8"] = cold
            figures["record_event_cold_vs_bare_c8"] = ratio(cold["rps"], figures["bare_insert_one_c8"])
            for connections in (8, 32):
                script = events_script(tokens, gateway.content, 1, f"one{connections}")
                r = timed_run(gateway, script, connections=connections, seconds=seconds, per_request=1)
                figures[f"record_event_c{connections}"] = r
                bare = figures[f"bare_insert_one_c{connections}"]
                figures[f"record_event_vs_bare_c{connections}"] = ratio(r["rps"], bare)
                figures[f"record_event_until_derived_vs_bare_c{connections}"] = ratio(r["until_derived_eps"], bare)
            script = events_script(tokens, gateway.content, 100, "many")
            many = timed_run(gateway, script, connections=8, seconds=seconds, per_request=100)
            figures["record_events100"] = many
            figures["record_events100_eps"] = many["events_per_second"]
            figures["record_events100_vs_bare_one"] = ratio(many["events_per_second"], figures["bare_insert_one_c8"])
            figures["record_events100_until_derived_vs_bare_one"] = ratio(
                many["until_derived_eps"], figures["bare_insert_one_c8"]
            )
    figures["load_average_end"] = round(os.getloadavg()[0], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    print_summary(run(args.members, args.seconds, args.items))


if __name__ == "__main__":
    main()
