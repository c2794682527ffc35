"""The gateway with a count of the database commands it sends (benchmarks/heavy_query_commands.py).

A pymongo command listener counts each command by name and namespace, with its round-trip milliseconds; SIGUSR2
resets the counts and SIGUSR1 writes them to $COMMAND_CENSUS_FILE (JSON: [name namespace, count, ms], longest
first). Measurement only: not a way to run the gateway.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from types import FrameType

from pymongo import monitoring

CENSUS_FILE = "COMMAND_CENSUS_FILE"


class CommandCensus(monitoring.CommandListener):
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, list[float]] = {}
        self.started_at: dict[int, tuple[str, float]] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        collection = target if isinstance(target, str) else ""
        self.started_at[event.request_id] = (
            f"{event.command_name} {event.database_name}.{collection}",
            time.perf_counter(),
        )

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.finished(event.request_id)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self.finished(event.request_id)

    def finished(self, request_id: int) -> None:
        found = self.started_at.pop(request_id, None)
        if found is None:
            return
        key, started = found
        with self.lock:
            row = self.counts.setdefault(key, [0, 0.0])
            row[0] += 1
            row[1] += (time.perf_counter() - started) * 1000

    def rows(self) -> list[tuple[str, int, float]]:
        with self.lock:
            rows = [(key, int(count), round(ms, 2)) for key, (count, ms) in self.counts.items()]
        return sorted(rows, key=lambda row: -row[2])

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()


def main() -> None:
    census = CommandCensus()
    monitoring.register(census)

    def dump(_signal: int, _frame: FrameType | None) -> None:
        Path(os.environ[CENSUS_FILE]).write_text(json.dumps(census.rows()))

    def reset(_signal: int, _frame: FrameType | None) -> None:
        census.reset()

    signal.signal(signal.SIGUSR1, dump)
    signal.signal(signal.SIGUSR2, reset)
    from gateway.__main__ import main as gateway_main

    gateway_main()


if __name__ == "__main__":
    main()
