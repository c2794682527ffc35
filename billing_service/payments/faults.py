"""Fault points between the steps of a payment, for crash-safety tests: `faults.arm("after_charge")`.

Production code calls `faults.check(name)` at each step boundary; nothing is armed outside tests.
"""

from __future__ import annotations

STEPS = ("after_intent", "after_charge", "after_finalize")


class InjectedFaultError(RuntimeError):
    pass


class FaultPoints:
    def __init__(self) -> None:
        self._armed: dict[str, int] = {}

    def arm(self, step: str, times: int = 1) -> None:
        if step not in STEPS:
            raise ValueError(f"unknown step {step}")
        self._armed[step] = times

    def check(self, step: str) -> None:
        left = self._armed.get(step, 0)
        if left > 0:
            self._armed[step] = left - 1
            raise InjectedFaultError(f"injected failure {step}")
