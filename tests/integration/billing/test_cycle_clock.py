"""The billing cycle's clock: overridable only outside production, and only near the real one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.factories import Api, create_plan, register
from tests.integration.billing.helpers import (
    PRODUCTION_WEBHOOK_SECRET,
    RUN_CYCLE,
    SUBSCRIBE,
    community_with_operator,
    postings,
    provider,
)


async def test_a_clock_in_year_9999_is_refused_and_charges_nothing(api: Api) -> None:
    community_id, _ = await community_with_operator(api)
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "s"}}, token=bob.token)
    # when
    errors = await api.errors(RUN_CYCLE, {"i": {"now": "9999-12-31T00:00:00+00:00"}}, admin=True)
    # then
    assert (errors[0]["extensions"]["code"], errors[0]["extensions"]["field"]) == ("BAD_USER_INPUT", "now")
    assert (provider(api).charge_count(), len(postings(api, "membership_charge"))) == (1, 1)


async def test_a_clock_within_the_horizon_still_runs(api: Api) -> None:
    later = datetime.now(UTC) + timedelta(days=40)
    data = await api.data(RUN_CYCLE, {"i": {"now": later.isoformat()}}, admin=True)
    assert data["runBillingCycle"]["renewed"] == 0


async def test_production_refuses_a_clock_override_but_runs_the_cycle(gateway_with: Any) -> None:
    async with gateway_with(app_env="production", billing_webhook_secret=PRODUCTION_WEBHOOK_SECRET) as api:
        now = datetime.now(UTC).isoformat()
        errors = await api.errors(RUN_CYCLE, {"i": {"now": now}}, admin=True)
        data = await api.data(RUN_CYCLE, {"i": {}}, admin=True)
    assert (errors[0]["extensions"]["code"], errors[0]["extensions"]["field"]) == ("BAD_USER_INPUT", "now")
    assert data["runBillingCycle"]["renewed"] == 0
