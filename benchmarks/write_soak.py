"""Whether the platform's own writes slow down as the database ages (issue 14): `recordEvents` of 100 at 8
connections, round after round on one server and one gateway, set up as benchmarks/hot_path.py sets them up (server
and gateway on one core, wrk on the other).

    python -m benchmarks.write_soak [--rounds 12] [--seconds 10] [--items 300]

Bare `insert_one` at 8 connections first, after the bare baselines' warm-up (the baseline, with the server's CPU
milliseconds an insert), then `--rounds` batch runs, each drained (the worker's derivation of its events counted in
its CPU), then the bare baseline again. Each round: events/s, against the start's bare baseline, the server's and
the gateway's CPU milliseconds a 100-event request, the share of their core they had (`core_busy`), and the
server's resident MB after it. `early` and `late` are over the first EARLY_ROUNDS rounds and over the second half
of the rounds (events/s: all their events over all their seconds; server CPU: all its milliseconds over all their
requests, so a few slow rounds weigh as they cost); `late_vs_early` divides them (events/s: below 1 is slower;
server CPU: above 1 costs more), and the worst round's server CPU is given too. Prints a table, then one JSON line
of every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

from benchmarks.common import print_summary
from benchmarks.gateway_harness import database_server, ratio, running_gateway
from benchmarks.hot_path import header, need_wrk
from benchmarks.hot_path_events_order import bare_one, batch_run
from benchmarks.write_baselines import warm_up

EARLY_ROUNDS = 2


def resident_mb(pid: int) -> float:
    """A process's resident size now, from Linux's /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return round(int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def core_busy(eps: float, cpu: dict[str, float], seconds: int) -> float:
    """The share of their core the server and the gateway had over a round and its drain: below ~0.95 something
    else ran there, and the round's rate says as much about the machine as about the server."""
    spent_seconds = (cpu["server_cpu_ms"] + cpu["gateway_cpu_ms"]) * eps * seconds / 100 / 1000
    return round(spent_seconds / (seconds + cpu["drain_seconds"]), 2)


def phase(rounds: list[dict[str, Any]]) -> dict[str, float]:
    """Events/s and the server's CPU ms a request over the given rounds taken together (each as long as the next)."""
    requests = [r["eps"] / 100 for r in rounds]
    return {
        "eps": round(sum(r["eps"] for r in rounds) / len(rounds), 1),
        "server_cpu_ms": round(
            sum(r["server_cpu_ms"] * n for r, n in zip(rounds, requests, strict=True)) / sum(requests), 2
        ),
    }


def run(rounds: int, seconds: int, items: int) -> dict[str, Any]:
    need_wrk()
    figures = header(seconds)
    figures["load_average_start"] = round(os.getloadavg()[0], 2)
    with database_server() as server:
        asyncio.run(warm_up(server.uri))
        figures["bare_one_start"] = bare_one(server.uri, server.pid, seconds, profile=False)
        bare = figures["bare_one_start"]["rate"]
        soak: list[dict[str, Any]] = []
        with running_gateway(server, "soak", items=items, warm=True) as gateway:
            gateway.drain()
            for number in range(rounds):
                batch = batch_run(gateway, seconds, bare, profile=False)
                soak.append(
                    {
                        "round": number,
                        "eps": batch["eps"],
                        "vs_bare_one": batch["vs_bare_one"],
                        "server_cpu_ms": batch["cpu"]["server_cpu_ms"],
                        "gateway_cpu_ms": batch["cpu"]["gateway_cpu_ms"],
                        "drain_seconds": batch["cpu"]["drain_seconds"],
                        "failed_commands": batch["cpu"]["failed_commands"],
                        "server_rss_mb": resident_mb(server.pid),
                        "core_busy": core_busy(batch["eps"], batch["cpu"], seconds),
                    }
                )
                print(soak[-1], flush=True)
        figures["rounds"] = soak
        figures["bare_one_end"] = bare_one(server.uri, server.pid, seconds, profile=False)
        figures["server_rss_mb_end"] = resident_mb(server.pid)
    early, late = phase(soak[:EARLY_ROUNDS]), phase(soak[len(soak) // 2 :])
    figures["early"], figures["late"] = early, late
    figures["worst_round_server_cpu_ms"] = max(r["server_cpu_ms"] for r in soak)
    figures["late_vs_early_eps"] = ratio(late["eps"], early["eps"])
    figures["late_vs_early_server_cpu"] = ratio(late["server_cpu_ms"], early["server_cpu_ms"])
    figures["late_vs_bare_one_start"] = ratio(late["eps"], bare)
    figures["bare_end_vs_start"] = ratio(figures["bare_one_end"]["rate"], bare)
    figures["load_average_end"] = round(os.getloadavg()[0], 2)
    return figures


def table(figures: dict[str, Any]) -> None:
    print("| round | events/s | vs bare | server ms | gateway ms | drain s | core busy | server RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in figures["rounds"]:
        print(
            f"| {r['round']} | {r['eps']} | {r['vs_bare_one']} | {r['server_cpu_ms']} | {r['gateway_cpu_ms']} "
            f"| {r['drain_seconds']} | {r['core_busy']} | {r['server_rss_mb']} |"
        )
    print(
        f"late vs early: events/s {figures['late_vs_early_eps']}x, server CPU {figures['late_vs_early_server_cpu']}x "
        f"(worst round {figures['worst_round_server_cpu_ms']} ms); bare insert_one end vs start "
        f"{figures['bare_end_vs_start']}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    if args.rounds < 2 * EARLY_ROUNDS:
        parser.error(f"--rounds must be at least {2 * EARLY_ROUNDS}")
    figures = run(args.rounds, args.seconds, args.items)
    table(figures)
    print_summary(figures)


if __name__ == "__main__":
    main()
