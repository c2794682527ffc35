"""A failure between any two steps of a payment, then a retry: exactly one charge, one posting, one invoice."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from billing_service.payments.faults import STEPS
from tests.factories import Api, register
from tests.integration.billing.helpers import (
    PURCHASE,
    billing,
    community_with_operator,
    documents,
    postings,
    product,
    provider,
)


@pytest.mark.parametrize("step", STEPS)
async def test_failure_between_steps_then_retry_charges_once(api: Api, step: str) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"productId": course, "idempotencyKey": f"crash-{step}"}}
    billing(api).faults.arm(step)
    # when
    failed = await api.error_code(PURCHASE, variables, token=bob.token)
    retried = await api.data(PURCHASE, variables, token=bob.token)
    # then
    assert failed == "INTERNAL"
    assert (retried["purchase"]["status"], retried["purchase"]["amountCents"]) == ("SUCCEEDED", 5000)
    assert provider(api).charge_count() == 1
    assert len(postings(api, "value_added_sale")) == 1
    assert len(documents(api, "invoices")) == 1


async def test_provider_timeout_then_retry_finds_the_charge(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"productId": course, "idempotencyKey": "slow", "paymentMethod": "tok_timeout"}}
    # when
    timed_out = await api.error_code(PURCHASE, variables, token=bob.token)
    retried = await api.data(PURCHASE, variables, token=bob.token)
    # then
    assert timed_out == "UNAVAILABLE"
    assert retried["purchase"]["status"] == "SUCCEEDED"
    assert provider(api).charge_count() == 1
    assert len(postings(api, "value_added_sale")) == 1


async def test_a_crashed_runner_is_taken_over_when_its_lease_lapses(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"productId": course, "idempotencyKey": "hard-crash"}}
    billing(api).faults.arm("after_intent")
    await api.error_code(PURCHASE, variables, token=bob.token)
    # a process that died mid-payment still holds its lease for a moment
    lapse = datetime.now(UTC) + timedelta(milliseconds=300)
    await billing(api).store.idempotency.records.update_one({}, {"$set": {"lease_until": lapse}})
    # when
    retried = await api.data(PURCHASE, variables, token=bob.token)
    # then
    assert retried["purchase"]["status"] == "SUCCEEDED"
    assert documents(api, "idempotency_keys")[0]["state"] == "done"
    assert (provider(api).charge_count(), len(postings(api, "value_added_sale"))) == (1, 1)


async def test_a_pending_payment_left_by_a_crash_is_settled_by_the_webhook(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    billing(api).faults.arm("after_charge")
    await api.error_code(PURCHASE, {"i": {"productId": course, "idempotencyKey": "k"}}, token=bob.token)
    # when: nobody retries, but the provider's charge.succeeded webhook arrives
    await provider(api).drain()
    # then
    assert [p["status"] for p in documents(api, "payments")] == ["SUCCEEDED"]
    assert len(postings(api, "value_added_sale")) == 1


async def test_a_settlement_commit_refused_by_the_database_then_retried_charges_once(api: Api) -> None:
    _, olga = await community_with_operator(api)
    course = await product(api, olga, price=5000)
    bob = await register(api, "demo", "bob")
    variables = {"i": {"productId": course, "idempotencyKey": "db-fail"}}
    admin: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        # the server's own fail point: the second commit from billing (the settlement) fails, not transiently
        try:
            admin.admin.command(
                {
                    "configureFailPoint": "failCommand",
                    "mode": {"skip": 1},
                    "data": {"failCommands": ["commitTransaction"], "errorCode": 2, "appName": "billing_service"},
                }
            )
        except OperationFailure:
            pytest.skip("the server runs without --enable-test-commands")
        failed = await api.error_code(PURCHASE, variables, token=bob.token)
        admin.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        charged_before_retry = provider(api).charge_count()  # the charge was made; its settlement was lost
        # when (the provider's webhook may settle it first: either way, once)
        retried = await api.data(PURCHASE, variables, token=bob.token)
    finally:
        with contextlib.suppress(OperationFailure):
            admin.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        admin.close()
    # then
    assert (failed, charged_before_retry) == ("INTERNAL", 1)
    assert retried["purchase"]["status"] == "SUCCEEDED"
    assert (provider(api).charge_count(), len(postings(api, "value_added_sale"))) == (1, 1)
    assert len(documents(api, "invoices")) == 1
