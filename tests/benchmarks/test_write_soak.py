"""benchmarks/write_soak.py: its summaries of the rounds."""

from __future__ import annotations

from benchmarks.write_soak import core_busy, phase


def test_a_phase_weighs_each_round_by_its_requests() -> None:
    rounds = [{"eps": 3000.0, "server_cpu_ms": 20.0}, {"eps": 1000.0, "server_cpu_ms": 40.0}]
    # 30 and 10 requests a second: (30 * 20 + 10 * 40) / 40 ms, and 4,000 events over two equal rounds
    assert phase(rounds) == {"eps": 2000.0, "server_cpu_ms": 25.0}


def test_core_busy_is_the_processes_cpu_over_the_round_and_its_drain() -> None:
    cpu = {"server_cpu_ms": 20.0, "gateway_cpu_ms": 10.0, "drain_seconds": 0.5}
    # 3,000 events/s for 10 s = 300 requests of 30 ms = 9 s of CPU over 10.5 s
    assert core_busy(3000.0, cpu, 10) == 0.86
