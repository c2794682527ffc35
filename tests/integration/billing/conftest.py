"""Every billing test ends with the ledger checked: each transaction balanced, total debits equal credits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from infra.settings import Settings
from tests.db_client import db_client
from tests.factories import Api
from tests.integration.billing.helpers import provider


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """Limits high enough for the replay storms of the done-when tests (limits have tests of their own)."""
    return make_settings(
        rate_limit_per_address="100000/minute",
        query_cost_per_member="10000000/minute",
        query_cost_per_address="10000000/minute",
    )


@pytest.fixture(autouse=True)
async def ledger_balanced(api: Api) -> AsyncIterator[None]:
    yield
    await provider(api).drain()
    with db_client(api.settings.mongodb_uri) as client:
        transactions = list(client[api.settings.database_name("billing")]["ledger_transactions"].find())
    unbalanced = [
        t["posting_id"]
        for t in transactions
        if sum(line["debit"] for line in t["lines"]) != sum(line["credit"] for line in t["lines"])
    ]
    debits = sum(line["debit"] for t in transactions for line in t["lines"])
    credits = sum(line["credit"] for t in transactions for line in t["lines"])
    amounts_are_integers = all(
        isinstance(line[k], int) for t in transactions for line in t["lines"] for k in ("debit", "credit")
    )
    assert (unbalanced, debits, amounts_are_integers) == ([], credits, True)
