"""GroupedWrites: who waits while a write is in flight is written together next, within the size cap; refusals and
errors reach the callers as the docstring promises."""

from __future__ import annotations

import asyncio

import pytest

from distribution_service.store.grouped_writes import Doc, GroupedWrites, GroupRefused


class Refused(Exception):
    pass


class Recorder:
    """A write that records each group and can be told to fail."""

    def __init__(self, fail: BaseException | None = None, held: int | None = None) -> None:
        self.groups: list[list[int]] = []
        self.fail = fail
        self.held = held  # a group starting with this doc stays in flight until cancelled

    async def __call__(self, docs: list[Doc]) -> None:
        self.groups.append([d["n"] for d in docs])
        await asyncio.sleep(3600 if docs[0]["n"] == self.held else 0.01)
        if self.fail is not None:
            raise self.fail


def docs(*ns: int) -> list[Doc]:
    return [{"n": n} for n in ns]


async def test_who_waits_when_a_write_starts_is_written_together_within_the_cap() -> None:
    write = Recorder()
    grouped = GroupedWrites(write, max_docs=4, refusals=(Refused,))
    # when: three callers at once, then two more while their write is in flight
    first = asyncio.gather(*(grouped.write(d) for d in [docs(1), docs(2), docs(3)]))
    await asyncio.sleep(0.005)
    later = asyncio.gather(*(grouped.write(d) for d in [docs(4, 5, 6), docs(7, 8, 9)]))
    await asyncio.gather(first, later)
    # then: the three together; then as many waiting callers as fit in 4 documents (at least one)
    assert write.groups == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert (grouped.groups, grouped.callers) == (3, 5)


async def test_a_refused_group_of_several_answers_group_refused_and_a_caller_alone_its_own_refusal() -> None:
    grouped = GroupedWrites(Recorder(Refused("duplicate")), max_docs=10, refusals=(Refused,))
    alone = asyncio.ensure_future(grouped.write(docs(0)))
    await asyncio.sleep(0.005)
    together = asyncio.gather(*(grouped.write(docs(n)) for n in (1, 2)), return_exceptions=True)
    # the first went alone (its own refusal), the other two together (refused for either of them)
    with pytest.raises(Refused):
        await alone
    assert [type(a) for a in await together] == [GroupRefused, GroupRefused]


async def test_any_other_error_reaches_every_caller_of_the_group() -> None:
    grouped = GroupedWrites(Recorder(ConnectionError("down")), max_docs=10, refusals=(Refused,))
    answers = await asyncio.gather(*(grouped.write(docs(n)) for n in range(3)), return_exceptions=True)
    assert [type(a) for a in answers] == [ConnectionError] * 3


async def test_a_caller_that_goes_away_leaves_the_write_to_finish_for_the_others() -> None:
    write = Recorder()
    grouped = GroupedWrites(write, max_docs=10, refusals=(Refused,))
    first = asyncio.ensure_future(grouped.write(docs(1)))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(grouped.write(docs(2)))
    await asyncio.sleep(0)
    # when: the first caller is cancelled while its write is in flight
    first.cancel()
    await second
    # then: both groups were written
    assert write.groups == [[1], [2]]
    with pytest.raises(asyncio.CancelledError):
        await first


def test_a_writer_outliving_its_event_loop_still_writes_on_the_next_one() -> None:
    write = Recorder(held=1)  # in flight however long the stopped loop's steps take on a loaded machine
    grouped = GroupedWrites(write, max_docs=10, refusals=(Refused,))
    first_loop = asyncio.new_event_loop()
    try:
        # a loop that stops running while a write is in flight and another caller waits (a test's loop, say)
        first_loop.create_task(grouped.write(docs(1)))
        first_loop.run_until_complete(asyncio.sleep(0.001))
        first_loop.create_task(grouped.write(docs(2)))
        first_loop.run_until_complete(asyncio.sleep(0))
        # when: the next loop writes
        asyncio.run(grouped.write(docs(3)))
        # then: its write went, without the stopped loop's caller
        assert write.groups == [[1], [3]]
    finally:
        for task in asyncio.all_tasks(first_loop):
            task.cancel()
        first_loop.run_until_complete(asyncio.sleep(0.02))
        first_loop.close()


async def test_after_runs_once_a_group_and_its_callers_hear_only_once_it_returned() -> None:
    write = Recorder()
    afters: list[int] = []
    released = asyncio.Event()

    async def after() -> None:
        afters.append(len(write.groups))  # how many groups' writes had begun when this `after` began
        await released.wait()

    grouped = GroupedWrites(write, max_docs=10, refusals=(Refused,), after=after)
    # when: three callers at once, then one more while their write is in flight
    first = [asyncio.ensure_future(grouped.write(docs(n))) for n in (1, 2, 3)]
    await asyncio.sleep(0.005)
    later = asyncio.ensure_future(grouped.write(docs(4)))
    await asyncio.sleep(0.05)
    # then: both groups written (the next one not held back by the first's `after`), one `after` each, after its
    # own write; nobody answered while `after` runs
    assert write.groups == [[1, 2, 3], [4]]
    assert len(afters) == 2
    assert afters[0] >= 1
    assert afters[1] == 2
    assert not any(f.done() for f in [*first, later])
    released.set()
    await asyncio.gather(*first, later)


async def test_an_error_of_after_reaches_every_caller_of_its_group() -> None:
    async def after() -> None:
        raise ConnectionError("journal unreachable")

    grouped = GroupedWrites(Recorder(), max_docs=10, refusals=(Refused,), after=after)
    answers = await asyncio.gather(*(grouped.write(docs(n)) for n in range(3)), return_exceptions=True)
    assert [type(a) for a in answers] == [ConnectionError] * 3


async def test_after_is_not_run_for_a_group_whose_write_failed() -> None:
    afters: list[int] = []

    async def after() -> None:
        afters.append(1)

    grouped = GroupedWrites(Recorder(Refused("duplicate")), max_docs=10, refusals=(Refused,), after=after)
    answers = await asyncio.gather(*(grouped.write(docs(n)) for n in range(2)), return_exceptions=True)
    assert [type(a) for a in answers] == [GroupRefused, GroupRefused]
    assert afters == []
