"""Golden-slot runs: one delivery per member per slot and day, caps, opt-outs, quiet hours, inbox and rates."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId
from pymongo import MongoClient

from composition.topology import Topology
from distribution_service.domain.honeycomb import Slot
from distribution_service.service import DistributionService, decision_writer
from distribution_service.service.slots_command import parser, run
from distribution_service.store.decisions import DecisionsStore
from distribution_service.store.shown_log import ShownLogStore
from infra.errors import BadInputError
from infra.periodic import PeriodicTask
from tests.factories import Api, Member, create_community, grant, publish, register
from tests.integration.ingest import derived

INBOX = "{ inbox(first: 10) { slot day modelVersion items { position content { id } } openedAt } }"
RATES = "{ slotRates { slot delivered opened shared openRate shareRate } }"
RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"
PREFS = "mutation($i: SetPushPreferencesInput!) { setPushPreferences(input: $i) { optedOut quietStart quietEnd } }"


async def slot_run(api: Api, *argv: str) -> dict[str, Any]:
    args = parser().parse_args(["run", "--community", "demo", "--day", "2026-05-01", *argv])
    result: dict[str, Any] = await run(args, api.settings)
    return result


async def community_with_readers(api: Api, readers: int = 2) -> tuple[list[Member], list[str]]:
    """Readers are reached by having been active (one open each), the author by having joined lately.

    The first reader wrote a note too: a member is never pushed their own items, so it is what the author gets.
    """
    community_id = await create_community(api, "demo")
    author = await register(api, "demo", "author")
    items = [await publish(api, author, f"Piece {i}") for i in range(4)]
    members = [await register(api, "demo", f"reader{i}") for i in range(readers)]
    await publish(api, members[0], "A reader's note")
    for member in members:
        await api.data(RECORD, {"i": {"contentId": items[0], "type": "OPEN"}}, token=member.token)
    await grant(api, community_id, "author", "OPERATOR")
    return [author, *members], items


async def test_rerun_of_a_slot_delivers_once_per_member(api: Api) -> None:
    await community_with_readers(api)
    first = await slot_run(api, "--slot", "MORNING")
    # when: the run is started again (after a crash, or twice by cron)
    again = await slot_run(api, "--slot", "MORNING")
    # then
    assert (first["members"], first["delivered"], first["already_delivered"]) == (3, 3, 0)
    assert (again["delivered"], again["already_delivered"]) == (0, 3)


async def test_a_newcomer_is_pushed_before_any_event_and_a_long_dormant_member_is_not(api: Api) -> None:
    await community_with_readers(api, readers=1)
    newcomer = await register(api, "demo", "newcomer")
    dormant = await register(api, "demo", "dormant")
    await create_community(api, "elsewhere")
    await register(api, "elsewhere", "stranger")
    assert api.settings.mongodb_uri
    users: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        users[api.settings.database_name("users")]["members"].update_one(
            {"_id": ObjectId(dormant.id)}, {"$set": {"joined_at": datetime.now(UTC) - timedelta(days=200)}}
        )
    finally:
        users.close()
    # when
    result = await slot_run(api, "--slot", "MORNING")
    # then: the author and the newcomer (joined lately) and the reader (active); not the dormant member, nor a
    # newcomer of another community
    assert (result["members"], result["delivered"]) == (3, 3)
    assert len((await api.data(INBOX, token=newcomer.token))["inbox"]) == 1
    assert (await api.data(INBOX, token=dormant.token))["inbox"] == []


async def test_inbox_lists_the_members_delivery_without_items_already_opened(api: Api) -> None:
    (_, reader, _), items = await community_with_readers(api)
    await slot_run(api, "--slot", "NOON", "--top-k", "3")
    # when
    inbox = (await api.data(INBOX, token=reader.token))["inbox"]
    # then
    assert [(d["slot"], d["day"], d["modelVersion"], d["openedAt"]) for d in inbox] == [
        ("NOON", "2026-05-01", "heuristic-3", None)
    ]
    assert [i["position"] for i in inbox[0]["items"]] == [0, 1, 2]
    assert items[0] not in {i["content"]["id"] for i in inbox[0]["items"]}


async def test_open_and_share_of_a_delivered_item_give_rates_per_slot(api: Api) -> None:
    (author, reader, other), _ = await community_with_readers(api)
    await slot_run(api, "--slot", "EVENING")
    delivered = (await api.data(INBOX, token=reader.token))["inbox"][0]["items"][0]["content"]["id"]
    # when
    await api.data(RECORD, {"i": {"contentId": delivered, "type": "OPEN"}}, token=reader.token)
    await api.data(RECORD, {"i": {"contentId": delivered, "type": "SHARE"}}, token=reader.token)
    await derived(api)  # the ingest worker marks deliveries after the events are stored
    # then
    rates = (await api.data(RATES, token=author.token))["slotRates"]
    assert rates == [
        {"slot": "EVENING", "delivered": 3, "opened": 1, "shared": 1, "openRate": 0.333333, "shareRate": 0.333333}
    ]


async def test_opted_out_and_quiet_members_get_nothing(api: Api) -> None:
    (_, reader, other), _ = await community_with_readers(api)
    prefs = (await api.data(PREFS, {"i": {"optedOut": True}}, token=reader.token))["setPushPreferences"]
    assert prefs == {"optedOut": True, "quietStart": None, "quietEnd": None}
    await api.data(PREFS, {"i": {"quietStart": "06:00", "quietEnd": "08:00"}}, token=other.token)
    # when
    result = await slot_run(api, "--slot", "MORNING")
    # then
    assert (result["delivered"], result["opted_out"], result["quiet"]) == (1, 1, 1)


async def test_daily_cap_stops_a_delivery_past_the_cap(api: Api) -> None:
    await community_with_readers(api, readers=1)
    for day in ("2026-05-01", "2026-05-02"):
        args = parser().parse_args(["run", "--community", "demo", "--day", day, "--slot", "MORNING"])
        capped = await run(args, api.settings.model_copy(update={"max_deliveries_per_day": 1}))
    # The cap counts deliveries of the last 24 hours, whatever day they were for.
    assert (capped["delivered"], capped["capped"]) == (0, 2)


async def test_partitions_split_one_run_among_workers(api: Api) -> None:
    await community_with_readers(api, readers=4)
    parts = [await slot_run(api, "--slot", "NOON", "--partition", str(i), "--partitions", "2") for i in range(2)]
    assert sum(p["members"] for p in parts) == 5
    assert sum(p["delivered"] for p in parts) == 5


async def test_two_partitions_deliver_each_member_exactly_once(api: Api, monkeypatch: Any) -> None:
    members, _ = await community_with_readers(api, readers=4)
    # A chunk's impressions split into several outbox entries, as a large run's are.
    monkeypatch.setattr(decision_writer, "IMPRESSIONS_PER_WRITE", 2)
    # when: two workers share the run at the same time, each named by `--partition I/N`
    parts = await asyncio.gather(*(slot_run(api, "--slot", "EVENING", "--partition", f"{i}/2") for i in range(2)))
    # then: each member has one delivery of the slot, whichever worker made it
    assert sum(p["members"] for p in parts) == len(members)
    assert sum(p["delivered"] for p in parts) == len(members)
    for member in members:
        inbox = (await api.data(INBOX, token=member.token))["inbox"]
        assert [d["slot"] for d in inbox] == ["EVENING"]
    # and: every pushed item was logged as one impression (its decision's shown item) and counted once, none twice
    await derived(api)
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        db = client[api.settings.database_name("distribution")]
        pushed = sorted(
            (str(d["member_id"]), str(i["content_id"])) for d in db["deliveries"].find() for i in d["items"]
        )
        logged = sorted(
            (str(d["member_id"]), str(s["content_id"]))
            for d in db["decisions"].find({"impressions_counted": True})
            for s in d["shown"]
        )
        counted = sum(d["counts"].get("IMPRESSION", 0) for d in db["item_stats"].find())
        stored = db["events"].count_documents({"type": "IMPRESSION"})
    finally:
        client.close()
    assert logged == pushed
    assert (counted, stored) == (len(pushed), 0)


async def test_a_partition_outside_its_count_is_refused(api: Api) -> None:
    await community_with_readers(api, readers=1)
    with pytest.raises(BadInputError):
        await slot_run(api, "--slot", "EVENING", "--partition", "2/2")
    with pytest.raises(BadInputError):
        await slot_run(api, "--slot", "EVENING", "--partition", "0/2", "--partitions", "3")


async def test_scheduler_tick_runs_the_slot_due_in_the_community_timezone(api: Api) -> None:
    await community_with_readers(api)
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    state = services.apps["distribution"].state
    service: DistributionService = state.service
    scheduler = service.scheduler
    # The tick finds the communities with recent events by their latest event times, which the worker moves.
    await derived(api)
    # 23:35 UTC is 07:35 the next day in Asia/Shanghai: the morning slot is due there.
    runs = await scheduler.tick(datetime(2026, 4, 30, 23, 35, tzinfo=UTC))
    assert [(slot, r.delivered) for (_, slot), r in runs.items()] == [(Slot.MORNING, 3)]
    # A minute later the slot is still in its window: the tick runs again and delivers nothing twice.
    again = await scheduler.tick(datetime(2026, 4, 30, 23, 36, tzinfo=UTC))
    assert [(r.delivered, r.already_delivered) for r in again.values()] == [(0, 3)]
    periodic: PeriodicTask = state.scheduler
    assert periodic.running is False


async def test_scheduler_starts_with_the_app_outside_tests(gateway_with: Callable[..., Any]) -> None:
    async with gateway_with(SLOT_SCHEDULER_ENABLED=True) as api:
        services: Topology = api.app.state.services
        assert services.apps["distribution"].state.scheduler.running is True


async def test_the_slot_command_never_starts_the_slot_tick(api: Api, monkeypatch: Any) -> None:
    await community_with_readers(api, readers=1)
    started: list[str] = []
    monkeypatch.setattr(PeriodicTask, "start", lambda task: started.append(task.name))
    args = parser().parse_args(["run", "--community", "demo", "--day", "2026-05-01", "--slot", "MORNING"])
    # Even where the deployment turns the in-process scheduler on, the command's own topology runs no tick.
    result = await run(args, api.settings.model_copy(update={"slot_scheduler_enabled": True}))
    assert result["delivered"] == 2
    assert "golden_slots" not in started


async def test_a_push_leaves_out_the_members_own_items(api: Api) -> None:
    (author, reader), items = await community_with_readers(api, readers=1)
    await slot_run(api, "--slot", "MORNING")
    inbox = (await api.data(INBOX, token=author.token))["inbox"]
    pushed = {i["content"]["id"] for d in inbox for i in d["items"]}
    assert len(pushed) == 1
    assert not pushed & set(items)


async def test_a_pushed_items_reasons_are_computed_when_the_inbox_is_read(api: Api) -> None:
    import lightgbm as lgb

    from distribution_service.domain import decision_log
    from distribution_service.ranking.model import top_contributions
    from tests.integration.test_feed_serving import model_text, promoted

    (_, reader, _), _ = await community_with_readers(api)
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        found = client[api.settings.database_name("users")]["communities"].find_one({"slug": "demo"})
        assert found is not None
        text = model_text("content_age_days", larger_is_better=False)
        await promoted(api, str(found["_id"]), "lgbm-newest", text)
        await slot_run(api, "--slot", "EVENING", "--top-k", "2")
        # when
        query = (
            "{ inbox(first: 5) { decisionId modelVersion items { reasons { feature contribution } content { id } } } }"
        )
        (delivery,) = (await api.data(query, token=reader.token))["inbox"]
        # then: the push stored no contributions; the inbox computed them from the logged rows with the deciding model
        db = client[api.settings.database_name("distribution")]
        stored = db["deliveries"].find_one({"decision_id": ObjectId(delivery["decisionId"])})
        decision = db["decisions"].find_one({"_id": ObjectId(delivery["decisionId"])})
    finally:
        client.close()
    assert stored is not None
    assert decision is not None
    assert [i["reasons"] for i in stored["items"]] == [{}, {}]
    assert delivery["modelVersion"] == "lgbm-newest"
    rows = {str(c): k for k, c in enumerate(decision_log.candidate_ids(decision))}
    booster = lgb.Booster(model_str=text)
    for item in delivery["items"]:
        x = decision_log.features(decision)[[rows[item["content"]["id"]]]]
        expected = top_contributions(booster.predict(x, pred_contrib=True, num_threads=1)[0])
        assert {r["feature"]: r["contribution"] for r in item["reasons"]} == expected
        assert {"bias", "other"} <= set(expected)


async def test_partition_workers_start_from_the_stored_reach_and_deliver_each_member_once(
    api: Api, monkeypatch: Any
) -> None:
    members, _ = await community_with_readers(api, readers=4)
    real = DecisionsStore.list_shown_member_times
    reads: list[datetime] = []

    async def recorded(store: DecisionsStore, community_id: ObjectId, since: datetime) -> dict[str, datetime]:
        reads.append(since)
        return await real(store, community_id, since)

    monkeypatch.setattr(DecisionsStore, "list_shown_member_times", recorded)
    real_log = ShownLogStore.member_times
    log_reads: list[tuple[datetime, bool]] = []

    async def recorded_log(store: ShownLogStore, community_id: ObjectId, **window: datetime) -> Any:
        found = await real_log(store, community_id, **window)
        log_reads.append((window["written_since"], found is not None))
        return found

    monkeypatch.setattr(ShownLogStore, "member_times", recorded_log)
    started = datetime.now(UTC)
    # A first worker, a fresh process knowing no reach: reads the decisions of the whole window, and stores its read.
    assert (await slot_run(api, "--slot", "MORNING"))["delivered"] == len(members)
    # when: two one-shot workers share the next slot's run
    parts = await asyncio.gather(*(slot_run(api, "--slot", "EVENING", "--partition", f"{i}/2") for i in range(2)))
    # then: each read only what was shown since the stored read (less the overlap), from the shown log, not the
    # window's decisions
    assert len(reads) == 1
    assert reads[0] < started - timedelta(days=89)
    assert len(log_reads) == 2
    assert all(since > started - timedelta(hours=2) and answered for since, answered in log_reads)
    # and: every member delivered the slot exactly once, whichever worker made it
    assert sum(p["delivered"] for p in parts) == len(members)
    for member in members:
        inbox = (await api.data(INBOX, token=member.token))["inbox"]
        assert sorted(d["slot"] for d in inbox) == ["EVENING", "MORNING"]
