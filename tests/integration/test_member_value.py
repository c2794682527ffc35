"""Member value through the gateway: tier, rfmLayer and ltv on User, tierDistribution, rfmPyramid, batch runs."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from bson import ObjectId
from pymongo import MongoClient

from content_service.schemas import ContentImportBatch
from distribution_service.schemas import EventImport, EventImportBatch
from tests.factories import Api, Member, create_community, create_plan, grant, publish, register
from tests.integration.ingest import derived
from tests.process_env import REPO, process_env
from tests.snapshots import Snapshot, restore, take
from users_service.schemas import MemberImport, MemberImportBatch, ValueConfig

ME = "{ me { tier rfmLayer ltv } }"
DISTRIBUTION = "{ tierDistribution { tier members share targetShare } }"
PYRAMID = "{ rfmPyramid { layer members share targetShare treatment { summary perks } } }"
RECOMPUTE = """
mutation($input: RecomputeTiersInput!) {
  recomputeTiers(input: $input) { members promotions demotions layerChanges movements { fromTier toTier members } }
}
"""
RECORD = "mutation($input: RecordEventInput!) { recordEvent(input: $input) { ok } }"
SUBSCRIBE = "mutation($input: SubscribeInput!) { subscribe(input: $input) { subscription { status } } }"


async def _events(api: Api, member: Member, content_id: str, n: int) -> None:
    for _ in range(n):
        await api.data(RECORD, {"input": {"contentId": content_id, "type": "CLICK"}}, token=member.token)


# The first test in a process seeds the community through the gateway; later ones get a copy of its data.
_built: dict[str, tuple[str, dict[str, Member], Snapshot]] = {}


async def _seeded(api: Api) -> tuple[str, dict[str, Member]]:
    """20 members: alice publishes 5 and clicks 20 times, bob clicks 10, carol once, dave pays, 16 do nothing."""
    if "seeded" in _built:
        cid, members, snapshot = _built["seeded"]
        restore(api.settings, snapshot)
        return cid, members
    cid, members = await _seed(api)
    await derived(api)
    _built["seeded"] = (cid, members, take(api.settings))
    return cid, members


async def _seed(api: Api) -> tuple[str, dict[str, Member]]:
    cid = await create_community(api, "demo")
    members = {h: await register(api, "demo", h) for h in ("alice", "bob", "carol", "dave")}
    for i in range(16):
        await register(api, "demo", f"quiet{i}")
    contents = [await publish(api, members["alice"], f"post {i}") for i in range(5)]
    await _events(api, members["alice"], contents[0], 20)
    await _events(api, members["bob"], contents[0], 10)
    await _events(api, members["carol"], contents[0], 1)
    plan_id = await create_plan(api, cid)
    await api.data(SUBSCRIBE, {"input": {"planId": plan_id, "idempotencyKey": "k1"}}, token=members["dave"].token)
    return cid, members


async def test_me_has_rule_based_tier_layer_and_null_ltv_before_any_run(api: Api) -> None:
    await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    assert (await api.data(ME, token=alice.token))["me"] == {"tier": "NEW", "rfmLayer": "BASE", "ltv": None}


async def test_tier_distribution_lists_all_nine_tiers_with_targets_before_any_run(api: Api) -> None:
    cid = await create_community(api, "demo")
    await register(api, "demo", "alice")
    data = await api.data(
        "query($c: ID) { tierDistribution(communityId: $c) { tier members share targetShare } }", {"c": cid}, admin=True
    )
    assert data["tierDistribution"] == [
        {"tier": "POTENTIAL", "members": 0, "share": 0.0, "targetShare": 0.38},
        {"tier": "NEW", "members": 1, "share": 1.0, "targetShare": None},
        {"tier": "CASUAL", "members": 0, "share": 0.0, "targetShare": None},
        {"tier": "ACTIVE", "members": 0, "share": 0.0, "targetShare": None},
        {"tier": "ACTIVE_CONTRIBUTOR", "members": 0, "share": 0.0, "targetShare": 0.22},
        {"tier": "KOC", "members": 0, "share": 0.0, "targetShare": None},
        {"tier": "EXPERT", "members": 0, "share": 0.0, "targetShare": None},
        {"tier": "CORE", "members": 0, "share": 0.0, "targetShare": None},
        {"tier": "AMBASSADOR", "members": 0, "share": 0.0, "targetShare": None},
    ]


async def test_operator_reads_distribution_of_own_community_from_token(api: Api) -> None:
    cid = await create_community(api, "demo")
    op = await register(api, "demo", "op")
    await grant(api, cid, "op", "OPERATOR")
    data = await api.data(DISTRIBUTION, token=op.token)
    assert [(e["tier"], e["members"]) for e in data["tierDistribution"] if e["members"]] == [("NEW", 1)]


async def test_member_without_operator_role_cannot_read_distribution(api: Api) -> None:
    await create_community(api, "demo")
    alice = await register(api, "demo", "alice")
    assert await api.error_code(DISTRIBUTION, token=alice.token) == "FORBIDDEN"


async def test_recompute_moves_members_between_tiers_and_records_the_run(api: Api) -> None:
    cid, _ = await _seeded(api)
    data = await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    assert data["recomputeTiers"] == {
        "members": 20,
        "promotions": 3,
        "demotions": 0,
        "layerChanges": 4,
        "movements": [
            {"fromTier": "NEW", "toTier": "CASUAL", "members": 1},
            {"fromTier": "NEW", "toTier": "CORE", "members": 2},
        ],
    }


async def test_tiers_and_layers_after_a_run_show_on_me(api: Api) -> None:
    cid, members = await _seeded(api)
    await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    seen = {h: (await api.data(ME, token=m.token))["me"] for h, m in members.items()}
    assert seen == {
        "alice": {"tier": "CORE", "rfmLayer": "CORE", "ltv": None},
        "bob": {"tier": "CORE", "rfmLayer": "CORE", "ltv": None},
        "carol": {"tier": "CASUAL", "rfmLayer": "ACTIVATED", "ltv": None},
        "dave": {"tier": "NEW", "rfmLayer": "ACTIVATED", "ltv": None},
    }


async def test_rfm_pyramid_shows_layers_targets_and_treatments(api: Api) -> None:
    cid, _ = await _seeded(api)
    await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    data = await api.data(
        "query($c: ID) { rfmPyramid(communityId: $c) { layer members share targetShare } }", {"c": cid}, admin=True
    )
    assert data["rfmPyramid"] == [
        {"layer": "BASE", "members": 16, "share": 0.8, "targetShare": 0.75},
        {"layer": "ACTIVATED", "members": 2, "share": 0.1, "targetShare": 0.15},
        {"layer": "CORE", "members": 2, "share": 0.1, "targetShare": 0.1},
    ]


async def test_rfm_pyramid_carries_each_layers_treatment_and_what_it_does(api: Api) -> None:
    cid = await create_community(api, "demo")
    data = await api.data(
        "query($c: ID) { rfmPyramid(communityId: $c) { layer treatment { perks effects { perk acts effect } } } }",
        {"c": cid},
        admin=True,
    )
    assert [(row["layer"], row["treatment"]["perks"]) for row in data["rfmPyramid"]] == [
        ("BASE", ["STANDARD_CONTENT", "BATCH_OFFERS"]),
        ("ACTIVATED", ["GROWTH_PATH", "PRIORITY_SUPPORT"]),
        ("CORE", ["PRODUCT_DECISIONS", "PROFIT_SHARE", "EARLY_ACCESS"]),
    ]
    # each perk says what it does; the ones a rule of the platform reads are marked as acting
    effects = {row["layer"]: row["treatment"]["effects"] for row in data["rfmPyramid"]}
    assert {layer: [e["perk"] for e in rows if e["acts"]] for layer, rows in effects.items()} == {
        "BASE": ["STANDARD_CONTENT", "BATCH_OFFERS"],
        "ACTIVATED": ["GROWTH_PATH"],
        "CORE": ["EARLY_ACCESS"],
    }
    assert all(e["effect"] for rows in effects.values() for e in rows)


async def test_tier_history_records_each_move(api: Api) -> None:
    cid, members = await _seeded(api)
    await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    data = await api.data(
        "query($c: ID, $m: ID!) { tierHistory(communityId: $c, memberId: $m) { fromTier toTier } }",
        {"c": cid, "m": members["alice"].id},
        admin=True,
    )
    assert data["tierHistory"] == [{"fromTier": "NEW", "toTier": "CORE"}]


async def test_second_run_without_new_activity_moves_nobody(api: Api) -> None:
    cid, _ = await _seeded(api)
    await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    data = await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    assert (data["recomputeTiers"]["promotions"], data["recomputeTiers"]["demotions"]) == (0, 0)


async def test_configured_pyramid_proportions_are_the_new_targets(api: Api) -> None:
    cid = await create_community(api, "demo")
    await api.data(
        "mutation($i: ConfigureMemberValueInput!) { configureMemberValue(input: $i) { coreShare } }",
        {"i": {"communityId": cid, "baseShare": 0.7, "activatedShare": 0.2, "coreShare": 0.1}},
        admin=True,
    )
    data = await api.data("query($c: ID) { rfmPyramid(communityId: $c) { targetShare } }", {"c": cid}, admin=True)
    assert [layer["targetShare"] for layer in data["rfmPyramid"]] == [0.7, 0.2, 0.1]


async def test_concurrent_setting_changes_of_different_fields_all_stay(api: Api) -> None:
    cid = await create_community(api, "demo")
    users = api.app.state.services.users  # type: ignore[union-attr]
    changes = [
        {"window_days": 90},
        {"grace_days": 7},
        {"new_member_days": 21},
        {"active_min_events": 12},
        {"koc_min_events": 30},
        {"rfm_window_days": 180},
    ]
    await asyncio.gather(*(users.update_value_config(cid, change) for change in changes))
    config = await users.get_value_config(cid)
    stored = {key: getattr(config, key) for change in changes for key in change}
    assert stored == {key: value for change in changes for key, value in change.items()}


async def test_settings_stored_before_versioning_take_a_change(api: Api) -> None:
    cid = await create_community(api, "demo")
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        configs = client[api.settings.database_name("users")]["value_config"]
        configs.insert_one({"_id": ObjectId(cid), **ValueConfig(grace_days=3).model_dump(mode="json")})
        users = api.app.state.services.users  # type: ignore[union-attr]
        await users.update_value_config(cid, {"window_days": 60})
        stored = configs.find_one({"_id": ObjectId(cid)})
    finally:
        client.close()
    assert stored is not None
    assert (stored["grace_days"], stored["window_days"], stored["version"]) == (3, 60, 1)


async def test_pyramid_proportions_that_do_not_add_up_are_refused(api: Api) -> None:
    cid = await create_community(api, "demo")
    code = await api.error_code(
        "mutation($i: ConfigureMemberValueInput!) { configureMemberValue(input: $i) { coreShare } }",
        {"i": {"communityId": cid, "baseShare": 0.5}},
        admin=True,
    )
    assert code == "BAD_USER_INPUT"


async def test_operator_cannot_read_another_communitys_distribution(api: Api) -> None:
    await create_community(api, "demo")
    other = await create_community(api, "other")
    op = await register(api, "demo", "op")
    await grant(api, (await api.data('{ community(slug: "demo") { id } }'))["community"]["id"], "op", "OPERATOR")
    code = await api.error_code(
        "query($c: ID) { tierDistribution(communityId: $c) { tier } }", {"c": other}, token=op.token
    )
    assert code == "FORBIDDEN"


async def test_members_who_join_after_a_run_count_in_the_distribution(api: Api) -> None:
    cid, _ = await _seeded(api)
    await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    await register(api, "demo", "latecomer")
    data = await api.data(
        "query($c: ID) { tierDistribution(communityId: $c) { tier members } }", {"c": cid}, admin=True
    )
    counts = {e["tier"]: e["members"] for e in data["tierDistribution"] if e["members"]}
    assert counts == {"NEW": 18, "CASUAL": 1, "CORE": 2}


async def test_run_as_of_a_later_moment_lets_unused_tiers_lapse(api: Api) -> None:
    cid, _ = await _seeded(api)
    later = (datetime.now(UTC) + timedelta(days=200)).isoformat()
    data = await api.data(RECOMPUTE, {"input": {"communityId": cid, "asOf": later}}, admin=True)
    # 200 days on, nobody has acted within the 100-day window; the core layer (365 days) still holds alice and bob.
    assert data["recomputeTiers"]["movements"] == [
        {"fromTier": "NEW", "toTier": "CORE", "members": 2},
        {"fromTier": "NEW", "toTier": "POTENTIAL", "members": 18},
    ]


async def test_recompute_command_prints_run_tiers_and_pyramid(api: Api) -> None:
    await _seeded(api)
    settings = api.settings
    env = process_env(settings.mongodb_uri or "", settings.db_prefix, settings.var_dir)
    command = [sys.executable, "-m", "users_service.value", "recompute", "--community", "demo"]
    done = await anyio.run_process(command, env=env, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr.decode()
    summary = json.loads(done.stdout)
    assert (summary["run"]["members"], [layer["members"] for layer in summary["pyramid"]]) == (20, [16, 2, 2])


async def test_a_whole_tier_moving_at_once_is_swept_and_recorded(api: Api) -> None:
    cid = await create_community(api, "demo")
    services = api.app.state.services  # type: ignore[union-attr]
    store = services.apps["users"].state.service.value.members
    swept: list[tuple[str, str]] = []
    sweep_tier = store.sweep_tier

    async def spy(community_id: Any, from_tier: Any, to_tier: Any, **kwargs: Any) -> None:
        swept.append((from_tier.value, to_tier.value))
        await sweep_tier(community_id, from_tier, to_tier, **kwargs)

    store.sweep_tier = spy
    old = datetime.now(UTC) - timedelta(days=400)
    members = [MemberImport(source_id=str(i), handle=f"m{i}", display_name=f"M {i}", joined_at=old) for i in range(600)]
    result = await services.users.import_members(cid, MemberImportBatch(source="test", members=members))
    late = await register(api, "demo", "late")  # stays NEW: the sweep must stop short of them
    data = await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    assert data["recomputeTiers"]["movements"] == [{"fromTier": "NEW", "toTier": "POTENTIAL", "members": 600}]
    assert swept == [("NEW", "POTENTIAL")]
    found = await services.users.lookup_members(cid, [result.items[0].id, result.items[599].id, late.id])
    assert [m.tier.value for m in found if m] == ["POTENTIAL", "POTENTIAL", "NEW"]


PYRAMID_COUNTS = "query($c: ID) { rfmPyramid(communityId: $c) { layer members } }"


async def test_views_show_the_latest_run_even_when_an_earlier_one_scored_a_later_moment(api: Api) -> None:
    cid, _ = await _seeded(api)
    later = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    await api.data(RECOMPUTE, {"input": {"communityId": cid, "asOf": later}}, admin=True)  # nobody active: all BASE
    await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True)
    pyramid = (await api.data(PYRAMID_COUNTS, {"c": cid}, admin=True))["rfmPyramid"]
    assert {e["layer"]: e["members"] for e in pyramid} == {"BASE": 16, "ACTIVATED": 2, "CORE": 2}
    runs = (await api.data("query($c: ID) { tierRuns(communityId: $c) { asOf } }", {"c": cid}, admin=True))["tierRuns"]
    assert runs[1]["asOf"][:10] == later[:10]


async def _imported_history(api: Api) -> str:
    """20 imported members two years back; two of them active then (alice heavily), nothing since."""
    cid = await create_community(api, "old")
    services = api.app.state.services  # type: ignore[union-attr]
    then = datetime.now(UTC) - timedelta(days=730)
    rows = [MemberImport(source_id=str(i), handle=f"m{i}", display_name=f"M {i}", joined_at=then) for i in range(20)]
    created = await services.users.import_members(cid, MemberImportBatch(source="test", members=rows))
    ids = [item.id for item in created.items]
    content = ContentImportBatch.model_validate(
        {
            "source": "test",
            "items": [
                {"sourceId": "p", "authorId": ids[0], "kind": "UGC", "title": "p", "body": "b", "createdAt": then}
            ],
        }
    )
    post = (await services.content.import_content(cid, content)).items[0].id
    events = [
        EventImport(source_id=f"e{i}", member_id=ids[i % 2], content_id=post, type="VOTE", occurred_at=then)
        for i in range(12)
    ]
    await services.distribution.import_events(cid, EventImportBatch(source="test", events=events))
    return cid


async def test_an_imported_history_is_scored_as_of_its_last_activity(api: Api) -> None:
    cid = await _imported_history(api)
    run = (await api.data(RECOMPUTE, {"input": {"communityId": cid}}, admin=True))["recomputeTiers"]
    pyramid = (await api.data(PYRAMID_COUNTS, {"c": cid}, admin=True))["rfmPyramid"]
    # As of now everyone would have lapsed into the base layer; as of the last activity the two active ones lead.
    assert {e["layer"]: e["members"] for e in pyramid}["BASE"] == 18
    assert run["members"] == 20
