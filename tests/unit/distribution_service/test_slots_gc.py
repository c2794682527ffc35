"""A slot run's collections skip the objects the process held before it: frozen while runs are in progress (the
last to end unfreezes), what a run makes is still collected, and a process that froze objects itself is left as
it is."""

from __future__ import annotations

import asyncio
import gc
import weakref

from distribution_service.domain.honeycomb import Slot
from distribution_service.schemas import SlotRunRequest, SlotRunResult
from distribution_service.service.scheduled import run_in_chunks
from distribution_service.service.slots_gc import older_objects_frozen


class _Node:
    """A weak-referenceable object that can sit in a reference cycle."""

    other: object = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_older_objects_are_frozen_while_runs_are_in_progress() -> None:
    gc.unfreeze()  # an earlier test of this process may have frozen objects
    older = _cycle()  # cyclic garbage made before the run: frozen with everything else, not collected meanwhile
    with older_objects_frozen():
        assert gc.get_freeze_count() > 0
        with older_objects_frozen():  # a second run overlapping the first
            made = _cycle()
            gc.collect()
            # The run's own cyclic garbage is collected as before; the older one is frozen.
            assert made() is None
            assert older() is not None
        assert gc.get_freeze_count() > 0  # the first run is still in progress
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert older() is None  # reclaimed once unfrozen


def test_a_process_that_froze_on_its_own_is_left_as_it_is() -> None:
    gc.unfreeze()
    try:
        gc.freeze()  # as the gateway's policy does (infra/gc_pause.py)
        frozen = gc.get_freeze_count()
        with older_objects_frozen():
            made = [object() for _ in range(10)]
            assert len(made) == 10
        # Nothing unfrozen by the run (that would empty the frozen generation), nothing more frozen either (the run's
        # objects would add to it). Frozen objects that die meanwhile leave it: the count may fall by a few.
        after = gc.get_freeze_count()
        assert after <= frozen
        assert after >= frozen * 0.9
    finally:
        gc.unfreeze()


def test_a_slot_run_freezes_for_its_chunks_and_unfreezes_after() -> None:
    gc.unfreeze()
    seen: list[int] = []

    async def run(request: SlotRunRequest) -> SlotRunResult:
        seen.append(gc.get_freeze_count())
        await asyncio.sleep(0)
        counts = dict.fromkeys(SlotRunResult.model_fields, 0)
        return SlotRunResult(**{**counts, "delivered": len(request.member_ids)})

    members = [f"{k:024x}" for k in range(450)]
    result = asyncio.run(run_in_chunks(members, run, slot=Slot.EVENING, day="2030-01-01", top_k=5))
    assert result.delivered == 450
    assert len(seen) == 3
    assert all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0
