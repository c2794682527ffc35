"""Whether this process's interactive requests met heavy work lately: background work may then yield to them.

The gateway's cost lane paces a heavy operation against the cheap ones that run beside it (gateway/cost_pacing.py);
each time a heavy step met cheap work it notes it here. Background work in the same process that can wait without
harm (the ingest worker's counting of decisions' impressions: distribution_service/service/ingest_worker.py) asks
`seen_within` before starting, and waits, up to a bound of its own, while heavy and cheap work contend for the core
it shares with the database. In a process without a gateway nothing is ever noted and nothing yields.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class Contention:
    """The last time heavy work was paced against cheap work (monotonic seconds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = -math.inf

    def note(self) -> None:
        """A heavy step met cheap work (it was followed by a pause)."""
        self._last = self._clock()

    def seen_within(self, seconds: float) -> bool:
        """Whether a heavy step met cheap work in the last `seconds`."""
        return self._clock() - self._last <= seconds

    def clear(self) -> None:
        self._last = -math.inf


# One per process: the gateway's lanes note, background workers read.
contention = Contention()
