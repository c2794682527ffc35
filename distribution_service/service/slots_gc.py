"""A slot run's garbage collections: the objects the process held before the run are frozen out of them meanwhile.

A run makes and drops a few hundred container objects a member (histories, matrices' wrappers, decision and delivery
documents) and keeps each chunk's alive while it ranks and writes, so the collector promotes them, and CPython 3.11
starts a full pass whenever the objects promoted since the last one exceed a quarter of what that pass left: in a
process holding the services and the ranking stack (~280,000 tracked objects) two full passes per 2,000 members,
~0.16 ms of CPU a member, a fifth of the run's (docs/performance.md, "Slot runs: the collector's full passes frozen
out"). Frozen, the process's older objects are skipped by every pass; what the run makes is collected as before,
cycles included. The last run to end unfreezes them (a full pass later reclaims any cyclic garbage among them).

A process that freezes on its own (the gateway: infra/gc_pause.py, whose refreeze also keeps full passes away) is
left as it is: its frozen objects are its policy's to unfreeze, never a run's.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Off only for benchmarks/slot_cpu.py's comparison (--compare-freeze).
FREEZE = True
_lock = threading.Lock()
# Runs in progress in this process, and whether the first of them froze (nothing was frozen before it).
_runs = 0
_froze = False


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Around a slot run: what the process holds now is left out of collections until the last run in progress
    ends; a process that had frozen objects of its own is left alone."""
    global _runs, _froze
    if not FREEZE:
        yield
        return
    with _lock:
        if _runs == 0:
            # The count walks the frozen objects: none, unless the process freezes on its own (then once a run).
            _froze = gc.get_freeze_count() == 0
        _runs += 1
        if _froze:
            gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0 and _froze:
                gc.unfreeze()
                _froze = False
