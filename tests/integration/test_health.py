"""Health indicators through the gateway: NO_DATA before the first computation, values from the four services,
history and alerts after it, targets an operator moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import MongoClient

from composition.topology import Topology
from content_service.schemas import HealthBreachCreate
from infra.settings import Settings
from tests.factories import Api, Member, create_community, grant, publish, register

INDICATORS = """query($level: HealthIndicatorLevel!) {
  healthIndicators(level: $level) { key value target status trend { change7d change28d } }
}"""
COMPUTE = "mutation { computeHealthIndicators { key value status } }"
DETAIL = """query($key: String!) {
  healthIndicator(key: $key) { indicator { key unit definition value status } history { value status } }
}"""
ALERTS = "{ healthAlerts(status: OPEN) { key severity status value threshold } }"
SET_TARGET = """mutation($i: SetHealthTargetInput!) {
  setHealthTarget(input: $i) { key target warn critical value status }
}"""
COMPLAIN = "mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }"
RECORD = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok } }"


async def _events(api: Api, member: Member, content_id: str, types: list[str], ago: timedelta) -> None:
    at = (datetime.now(UTC) - ago).isoformat()
    events = [{"contentId": content_id, "type": t, "occurredAt": at} for t in types]
    await api.data(RECORD, {"i": {"events": events}}, token=member.token)


async def _community(api: Api) -> tuple[str, Member, str]:
    """op publishes 1 PGC piece, alice 3 UGC; alice is engaged today and 2 days ago, bob today only."""
    cid = await create_community(api, "demo")
    op = await register(api, "demo", "op")
    await grant(api, cid, "op", "OPERATOR")
    await grant(api, cid, "op", "EXPERT")
    alice = await register(api, "demo", "alice")
    bob = await register(api, "demo", "bob")
    guide = await publish(api, op, "guide", kind="PGC")
    for i in range(3):
        await publish(api, alice, f"note {i}")
    await _events(api, alice, guide, ["IMPRESSION"] * 10 + ["CLICK", "SHARE"], timedelta(hours=1))
    await _events(api, alice, guide, ["OPEN"], timedelta(days=2))
    await _events(api, bob, guide, ["OPEN"], timedelta(hours=2))
    return cid, op, guide


def _by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in rows}


async def test_every_indicator_is_no_data_before_the_first_computation(api: Api) -> None:
    _, op, _ = await _community(api)
    primary = (await api.data(INDICATORS, {"level": "PRIMARY"}, token=op.token))["healthIndicators"]
    secondary = (await api.data(INDICATORS, {"level": "SECONDARY"}, token=op.token))["healthIndicators"]
    assert (len(primary), len(secondary)) == (12, 38)
    assert {(r["status"], r["value"]) for r in primary + secondary} == {("NO_DATA", None)}
    assert _by_key(primary)["stickiness"]["target"] == 0.2
    assert _by_key(primary)["nps"]["trend"] == {"change7d": None, "change28d": None}


async def test_compute_measures_events_content_and_members(api: Api) -> None:
    _, op, guide = await _community(api)
    for handle in ("carol", "dave"):
        member = await register(api, "demo", handle)
        complaint = {"targetType": "CONTENT", "targetId": guide, "category": "SPAM", "text": "spam"}
        await api.data(COMPLAIN, {"i": complaint}, token=member.token)
    computed = _by_key((await api.data(COMPUTE, token=op.token))["computeHealthIndicators"])
    # member_days 3 (alice twice, bob once) / 30, over 2 engaged members.
    assert computed["stickiness"] == {"key": "stickiness", "value": 0.05, "status": "CRITICAL"}
    assert computed["ctr"]["value"] == 0.1  # 1 click / 10 impressions
    assert computed["shareRate"]["value"] == 0.333333  # 1 share / (2 opens + 1 click)
    assert computed["publishingFrequency"]["value"] == round(4 / (30 / 7), 6)
    assert computed["nps"] == {"key": "nps", "value": None, "status": "NO_DATA"}  # no responses yet
    assert computed["complaintRate"]["value"] == 1000.0  # 2 complaints × 1000 / 2 engaged members
    secondary = _by_key((await api.data(INDICATORS, {"level": "SECONDARY"}, token=op.token))["healthIndicators"])
    assert secondary["pgcShare"]["value"] == 0.25
    assert secondary["creatorRatio"]["value"] == 1.0  # 2 authors, 2 engaged members
    assert secondary["monthlyActiveMembers"]["value"] == 2
    assert secondary["subCommunities"]["status"] == "WARN"  # 0 < 1
    assert secondary["peakHourlyComplaints"]["value"] == 2


async def test_snapshots_keep_history_open_alerts_and_follow_moved_targets(api: Api) -> None:
    _, op, _ = await _community(api)
    await api.data(COMPUTE, token=op.token)
    await api.data(COMPUTE, token=op.token)
    detail = (await api.data(DETAIL, {"key": "ctr"}, token=op.token))["healthIndicator"]
    assert detail["indicator"]["unit"] == "ratio"
    assert detail["history"] == [{"value": 0.1, "status": "OK"}, {"value": 0.1, "status": "OK"}]
    alerts = _by_key((await api.data(ALERTS, token=op.token))["healthAlerts"])
    assert alerts["stickiness"] == {
        "key": "stickiness",
        "severity": "CRITICAL",
        "status": "OPEN",
        "value": 0.05,
        "threshold": 0.1,
    }
    assert "ctr" not in alerts

    lines = {"key": "stickiness", "target": 0.05, "warn": 0.04, "critical": 0.02}
    moved = (await api.data(SET_TARGET, {"i": lines}, token=op.token))["setHealthTarget"]
    assert moved == {**lines, "value": 0.05, "status": "OK"}
    await api.data(COMPUTE, token=op.token)
    assert "stickiness" not in _by_key((await api.data(ALERTS, token=op.token))["healthAlerts"])


def _insert_snapshot(settings: Settings, cid: str, days_ago: int, values: dict[str, float]) -> None:
    """An older snapshot written straight to the database, as the daily job would have left it."""
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri)
    try:
        at = datetime.now(UTC) - timedelta(days=days_ago)
        doc = {"community_id": ObjectId(cid), "computed_at": at, "values": values, "figures": {}}
        client[settings.database_name("users")]["health_snapshots"].insert_one(doc)
    finally:
        client.close()


async def test_trend_is_the_change_against_snapshots_7_and_28_days_older(api: Api, settings: Settings) -> None:
    cid, op, _ = await _community(api)
    _insert_snapshot(settings, cid, 30, {"stickiness": 0.3})
    _insert_snapshot(settings, cid, 8, {"stickiness": 0.1})
    await api.data(COMPUTE, token=op.token)
    rows = _by_key((await api.data(INDICATORS, {"level": "PRIMARY"}, token=op.token))["healthIndicators"])
    assert rows["stickiness"]["trend"] == {"change7d": -0.05, "change28d": -0.25}
    assert rows["ctr"]["trend"] == {"change7d": None, "change28d": None}  # not measured back then


async def test_bad_targets_and_unknown_keys_are_refused(api: Api) -> None:
    _, op, _ = await _community(api)
    upside_down = {"key": "stickiness", "target": 0.2, "warn": 0.1, "critical": 0.2}
    errors = await api.errors(SET_TARGET, {"i": upside_down}, token=op.token)
    assert (errors[0]["extensions"]["code"], errors[0]["extensions"].get("field")) == ("BAD_USER_INPUT", "critical")
    rows = _by_key((await api.data(INDICATORS, {"level": "PRIMARY"}, token=op.token))["healthIndicators"])
    assert rows["stickiness"]["target"] == 0.2  # nothing written
    unknown = {"key": "happiness", "target": 1, "warn": 1, "critical": 0}
    assert await api.error_code(SET_TARGET, {"i": unknown}, token=op.token) == "NOT_FOUND"
    assert await api.error_code(DETAIL, {"key": "happiness"}, token=op.token) == "NOT_FOUND"


async def test_the_daily_job_snapshots_every_community(api: Api) -> None:
    _, op, _ = await _community(api)
    await create_community(api, "quiet")
    topology: Topology = api.app.state.services  # type: ignore[union-attr]
    assert await topology.apps["users"].state.service.health.snapshot_all() == 2
    rows = (await api.data(INDICATORS, {"level": "PRIMARY"}, token=op.token))["healthIndicators"]
    assert _by_key(rows)["ctr"]["value"] == 0.1


BREAKDOWNS = """query($key: String!) {
  healthIndicator(key: $key) { breakdowns { dimension segments { segment value status members } } }
}"""


def _segments(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Dimension → the non-empty segments (members measured over > 0) by name."""
    return {
        b["dimension"]: {s["segment"]: s for s in b["segments"] if s["members"]}
        for b in detail["healthIndicator"]["breakdowns"]
    }


async def test_breakdowns_split_an_indicator_by_tier_layer_and_channel(api: Api) -> None:
    _, op, guide = await _community(api)
    erin = await register(api, "demo", "erin", channel="SEARCH")
    await _events(api, erin, guide, ["OPEN"], timedelta(hours=3))
    await api.data(COMPUTE, token=op.token)
    stickiness = _segments(await api.data(BREAKDOWNS, {"key": "stickiness"}, token=op.token))
    # alice 2 days + bob 1 day (no channel: OTHER), erin 1 day (SEARCH); all NEW, all in the BASE layer.
    assert stickiness == {
        "TIER": {"NEW": {"segment": "NEW", "value": 0.044444, "status": "CRITICAL", "members": 3}},  # 4 / 30 / 3
        "RFM_LAYER": {"BASE": {"segment": "BASE", "value": 0.044444, "status": "CRITICAL", "members": 3}},
        "CHANNEL": {
            "SEARCH": {"segment": "SEARCH", "value": 0.033333, "status": "CRITICAL", "members": 1},  # 1 / 30 / 1
            "OTHER": {"segment": "OTHER", "value": 0.05, "status": "CRITICAL", "members": 2},  # 3 / 30 / 2
        },
    }
    arpu = await api.data(BREAKDOWNS, {"key": "arpu"}, token=op.token)
    assert [b["dimension"] for b in arpu["healthIndicator"]["breakdowns"]] == ["TIER", "CHANNEL"]
    assert (await api.data(BREAKDOWNS, {"key": "ctr"}, token=op.token))["healthIndicator"]["breakdowns"] == []


INCIDENT_ALERTS = "{ healthAlerts { key status incidentId } }"
INCIDENT = """query($id: ID!) {
  incident(id: $id) { status cause triggerCount healthBreaches { key value threshold } }
}"""
RESOLVE_INCIDENT = "mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { status } }"
COMPLAINT_LINES = {"key": "complaintRate", "target": 5, "warn": 10, "critical": 25}
LENIENT = {"key": "complaintRate", "target": 1000, "warn": 1000, "critical": 1000}


async def _incidents_of(api: Api, op: Member, key: str) -> list[str | None]:
    """The incident ids of the indicator's alerts, oldest first."""
    rows = (await api.data(INCIDENT_ALERTS, token=op.token))["healthAlerts"]
    return [r["incidentId"] for r in reversed(rows) if r["key"] == key]


async def test_a_critical_breach_opens_one_crisis_incident_per_breach(api: Api) -> None:
    cid, op, guide = await _community(api)
    carol = await register(api, "demo", "carol")
    complaint = {"targetType": "CONTENT", "targetId": guide, "category": "SPAM", "text": "spam"}
    await api.data(COMPLAIN, {"i": complaint}, token=carol.token)
    await api.data(COMPUTE, token=op.token)  # complaintRate 1 × 1000 / 2 = 500, past 25
    await api.data(COMPUTE, token=op.token)  # still critical: nothing new
    (first,) = await _incidents_of(api, op, "complaintRate")
    assert await _incidents_of(api, op, "stickiness") == [None]  # critical too, but opens no incident by default
    incident = (await api.data(INCIDENT, {"id": first}, token=op.token))["incident"]
    assert incident == {
        "status": "OPEN",
        "cause": "HEALTH_BREACH",
        "triggerCount": 1,
        "healthBreaches": [{"key": "complaintRate", "value": 500.0, "threshold": 25.0}],
    }

    async def recover_and_breach() -> None:
        await api.data(SET_TARGET, {"i": LENIENT}, token=op.token)
        await api.data(COMPUTE, token=op.token)
        await api.data(SET_TARGET, {"i": COMPLAINT_LINES}, token=op.token)
        await api.data(COMPUTE, token=op.token)

    await recover_and_breach()  # a new breach while the incident is open joins it (one open incident per cause)
    assert await _incidents_of(api, op, "complaintRate") == [first, first]
    assert (await api.data(INCIDENT, {"id": first}, token=op.token))["incident"]["triggerCount"] == 2
    resolve = {"incidentId": first, "reason": "moderation caught up"}
    await api.data(RESOLVE_INCIDENT, {"i": resolve}, token=op.token)
    await recover_and_breach()
    *_, third = await _incidents_of(api, op, "complaintRate")
    assert third not in (None, first)
    assert (await api.data(INCIDENT, {"id": third}, token=op.token))["incident"]["status"] == "OPEN"
    # A repeated request for a breach already served (a retry after a lost answer) returns its incident.
    rows = (await api.data("{ healthAlerts { id key } }", token=op.token))["healthAlerts"]
    oldest = [r["id"] for r in rows if r["key"] == "complaintRate"][-1]
    topology: Topology = api.app.state.services  # type: ignore[union-attr]
    again = HealthBreachCreate(alert_id=oldest, key="complaintRate", value=500, threshold=25)
    assert (await topology.content.open_health_incident(cid, again)).id == first
    # The operator's switch, per indicator; omitted on a later change of lines, it stays as set.
    opens = "mutation($i: SetHealthTargetInput!) { setHealthTarget(input: $i) { opensIncident } }"
    off = {**COMPLAINT_LINES, "opensIncident": False}
    assert (await api.data(opens, {"i": off}, token=op.token))["setHealthTarget"] == {"opensIncident": False}
    assert (await api.data(opens, {"i": LENIENT}, token=op.token))["setHealthTarget"] == {"opensIncident": False}
