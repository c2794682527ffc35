"""A process's time slice under Linux's EEVDF scheduler (6.12 and later), through sched_setattr(2).

Since Linux 6.6 the fair scheduler picks by virtual deadline, and since 6.12 a task may ask for its own slice
(`sched_attr.sched_runtime`, 0.1-100 ms; the default is the kernel's base slice, 0.7 ms times one plus the log2
of the CPU count: 1.4 ms on two cores). A task keeps the core it was given until about that slice has run, even
when a task of more weight wakes (RUN_TO_PARITY), so a low-priority process holding a short slice gives the core
back within that slice instead of the default one. Python has no binding for the call (nor `os.sched_setattr`):
it goes through libc's `syscall`, looked up at import (not in a forked child, where the loader's lock may be held).
"""

from __future__ import annotations

import ctypes
import os
import platform

# sched_setattr's and sched_getattr's numbers by architecture (Linux: arch/*/syscall tables).
SCHED_SETATTR = {"x86_64": 314, "aarch64": 274}.get(platform.machine())
SCHED_GETATTR = {"x86_64": 315, "aarch64": 275}.get(platform.machine())
SCHED_OTHER = 0


class SchedAttr(ctypes.Structure):
    """`struct sched_attr` (include/uapi/linux/sched/types.h)."""

    _fields_ = [
        ("size", ctypes.c_uint32),
        ("sched_policy", ctypes.c_uint32),
        ("sched_flags", ctypes.c_uint64),
        ("sched_nice", ctypes.c_int32),
        ("sched_priority", ctypes.c_uint32),
        ("sched_runtime", ctypes.c_uint64),
        ("sched_deadline", ctypes.c_uint64),
        ("sched_period", ctypes.c_uint64),
        ("sched_util_min", ctypes.c_uint32),
        ("sched_util_max", ctypes.c_uint32),
    ]


def _libc_syscall() -> object | None:
    try:
        return ctypes.CDLL(None, use_errno=True).syscall
    except (OSError, AttributeError):
        return None


SYSCALL = _libc_syscall()


def set_slice(slice_us: int) -> bool:
    """This process (and the threads and children it makes after) under SCHED_OTHER at its niceness, with a slice of
    `slice_us` microseconds (the kernel clamps it to 100-100,000); False where the call failed or is not there (not
    Linux, another architecture). Kernels before 6.12 take the call and ignore the slice."""
    if SYSCALL is None or SCHED_SETATTR is None or slice_us <= 0:
        return False
    attr = SchedAttr(
        size=ctypes.sizeof(SchedAttr),
        sched_policy=SCHED_OTHER,
        sched_nice=os.getpriority(os.PRIO_PROCESS, 0),
        sched_runtime=slice_us * 1000,
    )
    return bool(SYSCALL(SCHED_SETATTR, 0, ctypes.byref(attr), 0) == 0)  # type: ignore[operator]


def slice_us(pid: int = 0) -> int | None:
    """The time slice (microseconds) of the process `pid` (0: this one), or None where it cannot be read."""
    if SYSCALL is None or SCHED_GETATTR is None:
        return None
    attr = SchedAttr(size=ctypes.sizeof(SchedAttr))
    if SYSCALL(SCHED_GETATTR, pid, ctypes.byref(attr), ctypes.sizeof(SchedAttr), 0) != 0:  # type: ignore[operator]
        return None
    return int(attr.sched_runtime // 1000)
