"""A signed webhook settles a payment only when its amount and currency are the payment's; production refuses
the documented sandbox secret, with which anyone can sign."""

from __future__ import annotations

from typing import Any

import pytest

from billing_service.app import build_service
from billing_service.payments.sandbox import DEFAULT_WEBHOOK_SECRET, WeakWebhookSecretError
from infra.errors import BadInputError
from infra.mongo import create_mongo_client
from infra.settings import Settings
from tests.factories import Api, register
from tests.integration.billing.helpers import PURCHASE, billing, community_with_operator, documents, postings, product
from tests.integration.billing.helpers import provider as sandbox_of


async def pending_purchase(api: Api) -> dict[str, Any]:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    sandbox_of(api).sink = None  # the real webhooks never arrive: only the forged one below
    variables = {"i": {"productId": course, "idempotencyKey": "k", "paymentMethod": "tok_delayed"}}
    await api.data(PURCHASE, variables, token=bob.token)
    (payment,) = documents(api, "payments")
    return payment


@pytest.mark.parametrize(
    ("amount", "currency", "mismatch"),
    [(1, "CNY", "amount"), (None, "CNY", "amount"), (5000, "USD", "currency"), (5000, None, "currency")],
)
async def test_a_signed_webhook_whose_amount_or_currency_differs_is_refused(
    api: Api, amount: int | None, currency: str | None, mismatch: str
) -> None:
    payment = await pending_purchase(api)
    data: dict[str, Any] = {"key": payment["key"], "chargeId": "ch_forged", "feeCents": 0}
    data.update({k: v for k, v in {"amountCents": amount, "currency": currency}.items() if v is not None})
    body, headers = sandbox_of(api).signed({"id": "evt_forged", "type": "charge.succeeded", "data": data})
    # when
    with pytest.raises(BadInputError, match=f"^webhook {mismatch} does not match the payment$"):
        await billing(api).flow.receive_webhook(body, headers)
    # then: nothing settled, nothing booked, the event not even recorded
    assert [p["status"] for p in documents(api, "payments")] == ["PENDING"]
    assert (postings(api), documents(api, "invoices"), documents(api, "webhook_events")) == ([], [], [])


async def test_a_webhook_matching_the_payment_still_settles_it(api: Api) -> None:
    payment = await pending_purchase(api)
    data = {"key": payment["key"], "chargeId": "ch_1", "feeCents": 30, "amountCents": 5000, "currency": "CNY"}
    body, headers = sandbox_of(api).signed({"id": "evt_ok", "type": "charge.succeeded", "data": data})
    # when
    ack = await billing(api).flow.receive_webhook(body, headers)
    # then
    assert (ack.received, ack.duplicate) == (True, False)
    assert [p["status"] for p in documents(api, "payments")] == ["SUCCEEDED"]
    assert len(postings(api, "value_added_sale")) == 1


@pytest.mark.parametrize("secret", [DEFAULT_WEBHOOK_SECRET, "short"])
async def test_production_refuses_to_build_the_sandbox_with_a_known_or_short_secret(
    make_settings: Any, secret: str
) -> None:
    # Settings refuse such a secret in production already (infra/settings.py); billing refuses on its own too,
    # for a caller that builds it from settings made without validation.
    valid: Settings = make_settings()
    settings = Settings.model_construct(
        **{**valid.model_dump(), "app_env": "production", "billing_webhook_secret": secret}
    )
    assert settings.mongodb_uri
    client = create_mongo_client(settings.mongodb_uri, app_name="billing_test")
    try:
        with pytest.raises(WeakWebhookSecretError, match="BILLING_WEBHOOK_SECRET"):
            await build_service(settings, client, client[settings.database_name("billing")])
    finally:
        await client.close()


def test_the_refused_default_is_the_documented_default() -> None:
    assert Settings.model_fields["billing_webhook_secret"].default == DEFAULT_WEBHOOK_SECRET
