"""The process-wide note of heavy work paced against cheap work, which background work reads to yield."""

from __future__ import annotations

from infra.contention import Contention


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_noted_is_never_seen() -> None:
    assert not Contention(Clock()).seen_within(1e9)


def test_a_note_is_seen_for_the_seconds_asked_then_not() -> None:
    clock = Clock()
    contention = Contention(clock)
    contention.note()
    clock.now += 0.9
    assert contention.seen_within(1.0)
    clock.now += 0.2
    assert not contention.seen_within(1.0)
    assert contention.seen_within(2.0)


def test_clear_forgets_the_last_note() -> None:
    contention = Contention(Clock())
    contention.note()
    contention.clear()
    assert not contention.seen_within(1e9)
