"""What billing and distribution only stored now reaches members by mail: receipts and dunning notices, and the
golden-slot pushes of members who chose e-mail (whose inbox items say why each was pushed)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from pymongo import MongoClient

from composition.topology import Topology
from distribution_service.schemas import SlotRunRequest
from tests.conftest import running_gateway
from tests.factories import Api, create_plan, publish, register
from tests.integration.accounts.conftest import Inbox
from tests.integration.accounts.test_claim_and_reset import (
    ADDRESS,
    CLAIM,
    ISSUE,
    code_in,
    imported_community,
    redeem,
)

SUBSCRIBE = """
mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id status } } }
"""
PREFS = "mutation($i: SetPushPreferencesInput!) { setPushPreferences(input: $i) { byEmail } }"
INBOX = "{ inbox(first: 5) { slot items { sources reasons { feature contribution } content { title } } } }"


@contextmanager
def _databases(api: Api) -> Iterator[Callable[[Any], Any]]:
    """Ground truth: `db("billing")` is this test's billing database."""
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        yield lambda service: client[api.settings.database_name(service)]
    finally:
        client.close()


def _free_port_without_server() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _claimed(api: Api, smtp: Inbox) -> tuple[str, str]:
    """The imported member `ada`, signed in with an address on file: (community id, token)."""
    community_id, operator = await imported_community(api)
    await api.data(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=operator)
    claimed = await api.data(CLAIM, redeem(code_in((await smtp.wait_for(ADDRESS))[0]), "ada's password"))
    return community_id, claimed["claimAccount"]["token"]


async def test_a_paid_period_is_mailed_as_a_receipt(mail_api: tuple[Api, Inbox]) -> None:
    api, smtp = mail_api
    community_id, ada = await _claimed(api, smtp)
    gold = await create_plan(api, community_id, price=2900)
    # when
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "first"}}, token=ada)
    # then: the receipt billing stored reaches ada's address, once
    receipt = (await smtp.wait_for(ADDRESS, count=2))[1]
    assert receipt["Subject"] == "Receipt for your membership payment"
    assert "Received 29.00 CNY for Gold membership" in receipt.get_content()
    assert receipt["Message-ID"].strip().startswith("<billing.payment_received-billing-")
    assert len(smtp.messages) == 2


async def test_a_push_reaches_the_inbox_with_its_reasons_and_the_mailbox_by_preference(
    mail_api: tuple[Api, Inbox],
) -> None:
    api, smtp = mail_api
    community_id, ada = await _claimed(api, smtp)
    author = await register(api, "forum", "author")
    for n in range(3):
        await publish(api, author, f"Wheel truing {n}", tags=["wheels"])
    assert (await api.data(PREFS, {"i": {"byEmail": True}}, token=ada))["setPushPreferences"] == {"byEmail": True}
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    me = (await api.data("{ me { id } }", token=ada))["me"]["id"]
    day = datetime.now(UTC).date().isoformat()
    # when: the morning slot runs for ada
    result = await services.distribution.run_slot(
        community_id, SlotRunRequest.model_validate({"slot": "MORNING", "memberIds": [me], "day": day})
    )
    assert result.delivered == 1
    # then: the inbox says why each item was pushed
    [delivery] = (await api.data(INBOX, token=ada))["inbox"]
    assert {item["content"]["title"] for item in delivery["items"]} == {f"Wheel truing {n}" for n in range(3)}
    assert all(item["sources"] for item in delivery["items"])
    assert all(item["reasons"] for item in delivery["items"])
    # and the push came by mail, with titles only
    push = (await smtp.wait_for(ADDRESS, count=2))[1]
    assert push["Subject"] == f"Your morning picks for {day}"
    assert "Wheel truing 0" in push.get_content()
    assert "body" not in push.get_content()


async def test_a_notice_handed_over_twice_is_mailed_once(mail_api: tuple[Api, Inbox]) -> None:
    api, smtp = mail_api
    community_id, ada = await _claimed(api, smtp)
    gold = await create_plan(api, community_id, price=2900)
    await api.data(SUBSCRIBE, {"i": {"planId": gold, "idempotencyKey": "first"}}, token=ada)
    await smtp.wait_for(ADDRESS, count=2)
    # when: billing loses the mark after handing the receipt over (a crash), so it hands it over again
    with _databases(api) as db:
        notices = db("billing")["notifications"]
        notices.update_many({}, {"$set": {"mail.state": "PENDING", "mail.next_at": datetime.now(UTC)}})
        for _ in range(400):
            if notices.count_documents({"mail.state": "PENDING"}) == 0:
                break
            await asyncio.sleep(0.025)
        # then: handed over again, queued once (the notice's id is the mail's key), so nothing more can go out
        assert notices.find_one({})["mail"]["attempts"] == 2
        assert db("users")["mail_outbox"].count_documents({"topic": "billing.payment_received"}) == 1
    assert len(smtp.messages) == 2


async def test_mail_waits_in_the_outbox_while_the_smtp_server_is_down(
    make_settings: Callable[..., Any], smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    down = _free_port_without_server()
    settings = make_settings(mail_mode="smtp", smtp_port=down, outbox_retry_base_seconds=0.1)
    async with running_gateway(settings) as api:
        _, operator = await imported_community(api)
        await api.data(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=operator)
        with _databases(api) as db:
            for _ in range(400):
                stored = db("users")["mail_outbox"].find_one({})
                if stored["attempts"] >= 1:
                    break
                await asyncio.sleep(0.025)
        # the server refused: the mail is kept, pending, with its error
        assert stored["status"] == "PENDING"
        assert stored["last_error"]
        # when: the server is back (the relay reads its address from the settings it was given)
        api.settings.smtp_port = port
        mail = await inbox.wait_for(ADDRESS)
    # then: sent once
    assert len(mail) == 1
    assert code_in(mail[0])
