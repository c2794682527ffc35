"""Without a payment method: a trial starts; in development the sandbox's default is charged; production refuses."""

from __future__ import annotations

from typing import Any

from tests.factories import Api, create_community, create_plan, register
from tests.integration.billing.helpers import PRODUCTION_WEBHOOK_SECRET, RUN_CYCLE, SUBSCRIBE, provider


async def test_in_production_a_paid_plan_needs_a_payment_method(gateway_with: Any) -> None:
    async with gateway_with(app_env="production", billing_webhook_secret=PRODUCTION_WEBHOOK_SECRET) as api:
        community_id = await create_community(api, "prod")
        gold = await create_plan(api, community_id, price=2900)
        bob = await register(api, "prod", "bob")
        errors = await api.errors(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "k"}}, token=bob.token)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert errors[0]["extensions"]["field"] == "paymentMethod"


async def test_in_production_a_trial_starts_without_a_payment_method(gateway_with: Any) -> None:
    async with gateway_with(app_env="production", billing_webhook_secret=PRODUCTION_WEBHOOK_SECRET) as api:
        community_id = await create_community(api, "prod")
        camp = await create_plan(api, community_id, price=9900, trialDays=21)
        bob = await register(api, "prod", "bob")
        data = await api.data(SUBSCRIBE, {"i": {"planId": camp, "idempotencyKey": "k"}}, token=bob.token)
        assert data["subscribe"]["subscription"]["status"] == "TRIALING"


async def test_in_development_the_sandbox_default_method_is_charged(api: Api) -> None:
    community_id = await create_community(api, "demo")
    gold = await create_plan(api, community_id, price=2900)
    bob = await register(api, "demo", "bob")
    data = await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "k"}}, token=bob.token)
    assert data["subscribe"]["subscription"]["status"] == "ACTIVE"
    assert [c.method for c in provider(api).charges.values()] == ["tok_success"]


async def test_a_method_given_with_a_trial_plan_is_charged_when_the_trial_ends(api: Api) -> None:
    community_id = await create_community(api, "demo")
    camp = await create_plan(api, community_id, price=9900, trialDays=7)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"planId": camp, "idempotencyKey": "k", "paymentMethod": "tok_delayed"}}
    sub = (await api.data(SUBSCRIBE, variables, token=bob.token))["subscribe"]["subscription"]
    assert (sub["status"], provider(api).charge_count()) == ("TRIALING", 0)
    # when
    await api.data(RUN_CYCLE, {"i": {"now": sub["currentPeriodEnd"]}}, admin=True)
    # then
    assert [c.method for c in provider(api).charges.values()] == ["tok_delayed"]
