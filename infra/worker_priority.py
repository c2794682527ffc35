"""Worker threads below the event loop on the core they share: the loop's default executor at a higher niceness.

What a heavy operation hands to threads (`asyncio.to_thread`: a ranked page's scoring, a pool's preparation) runs
mostly without the GIL (numpy, LightGBM) and so beside the event loop's thread, in the same process, on the same
core when the process has one. At the same niceness the kernel shares that core between them evenly, so a cheap
request the loop has in hand waits while a ranking thread holds the core. Linux keeps a niceness per thread: the
threads of the executor set here raise their own (`nice`) when they start, and the loop's thread takes the core
from them whenever it has work (a nice-10 thread weighs about a tenth of a nice-0 one). Heavy work is slowed while
cheap work runs and runs at full speed alone, as the cost lane's pacing does on the loop (gateway/cost_pacing.py).
Only ever raises the niceness, which needs no privilege.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor

THREAD_NAME_PREFIX = "worker-nice"


def lower_this_thread(nice: int) -> None:
    """The calling thread's niceness raised to `nice` (kept when it is higher already: a process started under
    `nice`)."""
    thread = threading.get_native_id()
    if nice > os.getpriority(os.PRIO_PROCESS, thread):
        os.setpriority(os.PRIO_PROCESS, thread, nice)


def lowered_executor(nice: int) -> ThreadPoolExecutor:
    """asyncio's default executor (same size), its threads at `nice`."""
    return ThreadPoolExecutor(thread_name_prefix=THREAD_NAME_PREFIX, initializer=lower_this_thread, initargs=(nice,))


def lower_worker_threads(nice: int) -> None:
    """From now on the running loop's default executor runs its threads at `nice` (0: left as it is); the loop
    shuts it down when it closes (asyncio.run), as it would its own."""
    if nice > 0:
        asyncio.get_running_loop().set_default_executor(lowered_executor(nice))
