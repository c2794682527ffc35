"""A billing process killed inside a transaction does not hold its community's payments: the server reaps the
dead transaction (the platform starts SecantusDB with a 10 s transaction lifetime, not 60 s) while the next
payment's transaction is still retrying, so that payment succeeds instead of timing out UNAVAILABLE."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.factories import Api, register
from tests.integration.billing.helpers import PURCHASE, community_with_operator, product

HOLD = """
import sys, time
from bson import ObjectId
from pymongo import MongoClient
client = MongoClient(sys.argv[1])
session = client.start_session()
session.start_transaction()
counters = client[sys.argv[2]]["invoice_counters"]
counters.update_one({"_id": sys.argv[3]}, {"$inc": {"value": 1}}, upsert=True, session=session)
print("held", flush=True)
time.sleep(600)
"""


def kill_inside_a_transaction(uri: str, database: str, counter: str) -> None:
    """A process that bumped the community's invoice counter in a transaction, killed before it commits."""
    with subprocess.Popen([sys.executable, "-c", HOLD, uri, database, counter], stdout=subprocess.PIPE) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == b"held"
        os.kill(holder.pid, signal.SIGKILL)


async def test_a_writer_killed_mid_transaction_does_not_hold_other_members_payments(api: Api) -> None:
    community_id, operator = await community_with_operator(api)
    course = await product(api, operator)
    alice = await register(api, "demo", "alice")
    bob = await register(api, "demo", "bob")
    first = await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "a-1"}}, token=alice.token)
    assert api.settings.mongodb_uri

    kill_inside_a_transaction(api.settings.mongodb_uri, api.settings.database_name("billing"), f"{community_id}:INV")
    second = await api.data(PURCHASE, {"i": {"productId": course, "idempotencyKey": "b-1"}}, token=bob.token)

    assert first["purchase"]["status"] == "SUCCEEDED"
    assert second["purchase"]["status"] == "SUCCEEDED"
    assert second["purchase"]["invoiceId"]
