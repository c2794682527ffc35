"""Internal reads that other services build on (RFM's recency, frequency and monetary)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from composition.topology import Topology
from infra.errors import BadInputError
from tests.factories import Api, create_community, create_plan, publish, register

RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok } }"
SUBSCRIBE = "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id } } }"


async def test_activity_by_member_counts_engagement_not_impressions(api: Api) -> None:
    community_id = await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    item = await publish(api, bob, "Piece")
    for event_type in ("IMPRESSION", "OPEN", "SHARE"):
        await api.data(RECORD, {"i": {"contentId": item, "type": event_type}}, token=carol.token)
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    # when
    activity = await services.distribution.activity_by_member(community_id)
    later = await services.distribution.activity_by_member(community_id, since=datetime.now(UTC) + timedelta(hours=1))
    # then
    assert set(activity) == {carol.id}
    assert (activity[carol.id].events, activity[carol.id].engagement) == (2, 4.0)
    assert later == {}


async def test_revenue_by_member_sums_paid_periods(api: Api) -> None:
    community_id = await create_community(api, "demo")
    gold = await create_plan(api, community_id, name="Gold", price=2900)
    camp = await create_plan(api, community_id, name="Camp", price=9900, trialDays=7)
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "a"}}, token=bob.token)
    await api.data(SUBSCRIBE, {"i": {"planId": camp, "idempotencyKey": "b"}}, token=carol.token)
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    assert await services.billing.revenue_by_member(community_id) == {bob.id: 2900}


async def test_since_must_be_iso_8601(api: Api) -> None:
    community_id = await create_community(api, "demo")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    path = f"/communities/{community_id}/revenue/by-member"
    with pytest.raises(BadInputError, match="^since: not an ISO-8601 date-time$") as caught:
        await services.billing._call("GET", path, params={"since": "soon"})
    assert caught.value.field == "since"


async def test_acquisition_spend_sums_by_channel_within_the_period(api: Api) -> None:
    from users_service.schemas import SpendCreate

    community_id = await create_community(api, "demo")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    jan, feb = datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 2, 10, tzinfo=UTC)
    for channel, amount, when in (("SEARCH", 5000, jan), ("SOCIAL", 3000, jan), ("SEARCH", 700, feb)):
        await services.users.record_spend(
            community_id, SpendCreate(channel=channel, amount_cents=amount, currency="cny", spent_at=when)
        )
    january = await services.users.acquisition_spend(community_id, jan.replace(day=1), feb.replace(day=1))
    everything = await services.users.acquisition_spend(community_id)
    assert (january.spend_cents, january.by_channel) == (8000, {"SEARCH": 5000, "SOCIAL": 3000})
    assert everything.spend_cents == 8700
