"""Imported members claim their accounts from a mailed code, sign in and reset passwords; codes are single use."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from pymongo import MongoClient

from composition.topology import Topology
from tests.factories import Api, create_community, grant, register
from tests.integration.accounts.conftest import Inbox
from users_service.schemas import MemberImportBatch

ISSUE = """
mutation($i: IssueClaimCodeInput!) { issueClaimCode(input: $i) { sentTo expiresAt user { handle } } }
"""
CLAIM = "mutation($i: RedeemCodeInput!) { claimAccount(input: $i) { token user { handle } } }"
RESET = "mutation($i: RedeemCodeInput!) { resetPassword(input: $i) { token user { handle } } }"
REQUEST_RESET = "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { accepted } }"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token } }"
INBOX = "{ me { handle } inbox(first: 5) { id slot items { sources reasons { feature } } } }"
ADDRESS = "ada@example.org"


async def imported_community(api: Api) -> tuple[str, str]:
    """A community with an operator and one imported member, `ada`, who has never signed in."""
    community_id = await create_community(api, "forum")
    operator = await register(api, "forum", "op", password="operator password")
    await grant(api, community_id, "op", "OPERATOR")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    row = {"sourceId": "7", "handle": "ada", "displayName": "Ada", "joinedAt": datetime(2020, 1, 1, tzinfo=UTC)}
    await services.users.import_members(
        community_id, MemberImportBatch.model_validate({"source": "se", "members": [row]})
    )
    return community_id, operator.token


def code_in(message: EmailMessage) -> str:
    body = message.get_content()
    found = re.search(r"\b([A-Z2-9]{5}-[A-Z2-9]{5})\b", body)
    assert found, body
    return found.group(1)


def redeem(code: str, password: str) -> dict[str, Any]:
    return {"i": {"communitySlug": "forum", "handle": "ada", "code": code, "password": password}}


def _login(password: str) -> dict[str, Any]:
    return {"i": {"communitySlug": "forum", "handle": "ada", "password": password}}


def _users_db(api: Api) -> Any:
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    return client, client[api.settings.database_name("users")]


async def test_an_imported_member_claims_the_account_from_the_mail_and_signs_in(
    mail_api: tuple[Api, Inbox],
) -> None:
    api, smtp = mail_api
    _, operator = await imported_community(api)
    # The imported member cannot sign in: there is no password yet.
    assert await api.error_code(LOGIN, _login("any password")) == "UNAUTHENTICATED"
    # when: the operator issues a code, mailed through the real SMTP server
    issued = (await api.data(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=operator))["issueClaimCode"]
    assert issued["sentTo"] == "a***@example.org"
    [mail] = await smtp.wait_for(ADDRESS)
    assert mail["Subject"] == "Claim your account in Forum"
    assert mail["Message-ID"].startswith("<code-")
    claimed = (await api.data(CLAIM, redeem(code_in(mail), "ada's first password")))["claimAccount"]
    # then: the token works, and so does signing in with the new password
    assert claimed["user"]["handle"] == "ada"
    me = await api.data(INBOX, token=claimed["token"])
    assert me["me"]["handle"] == "ada"
    assert me["inbox"] == []
    assert (await api.data(LOGIN, _login("ada's first password")))["login"]["token"]
    # and the sent mail's body (it held the code) is no longer stored
    client, db = _users_db(api)
    try:
        for _ in range(200):  # the relay marks the mail just after the server accepted it
            stored = db["mail_outbox"].find_one({})
            if stored["status"] == "DELIVERED":
                break
            await asyncio.sleep(0.025)
        assert stored["status"] == "DELIVERED"
        assert stored["payload"]["body"] is None
        assert db["account_codes"].find_one({})["code_hash"] != code_in(mail)
    finally:
        client.close()


async def test_a_used_or_expired_code_is_refused_and_writes_nothing(mail_api: tuple[Api, Inbox]) -> None:
    api, smtp = mail_api
    _, operator = await imported_community(api)
    await api.data(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=operator)
    code = code_in((await smtp.wait_for(ADDRESS))[0])
    await api.data(CLAIM, redeem(code, "the first password"))
    client, db = _users_db(api)
    try:
        before = db["members"].find_one({"handle": "ada"})
        # used
        errors = await api.errors(CLAIM, redeem(code, "a second password"))
        assert [(e["extensions"]["code"], e["extensions"].get("field")) for e in errors] == [("BAD_USER_INPUT", "code")]
        # expired: a fresh code whose time has passed
        await api.data(ISSUE, {"i": {"handle": "ada"}}, token=operator)
        fresh = code_in((await smtp.wait_for(ADDRESS, count=2))[1])
        db["account_codes"].update_many({"used_at": None}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(1)}})
        assert await api.error_code(CLAIM, redeem(fresh, "a third password")) == "BAD_USER_INPUT"
        # then: the member is exactly as before and only the first password signs in
        assert db["members"].find_one({"handle": "ada"}) == before
        assert db["account_codes"].count_documents({"used_at": None}) == 1  # the expired one, still unused
    finally:
        client.close()
    assert await api.error_code(LOGIN, _login("a second password")) == "UNAUTHENTICATED"
    assert (await api.data(LOGIN, _login("the first password")))["login"]["token"]


async def test_twenty_concurrent_redemptions_of_one_code_make_exactly_one_success(mail_api: tuple[Api, Inbox]) -> None:
    api, smtp = mail_api
    _, operator = await imported_community(api)
    await api.data(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=operator)
    code = code_in((await smtp.wait_for(ADDRESS))[0])
    # when: twenty redemptions at once, each with its own password
    answers = await asyncio.gather(*(api.post(CLAIM, redeem(code, f"password number {n}")) for n in range(20)))
    # then: one token; every other answer a coded refusal; only the winner's password signs in
    winners = [n for n, answer in enumerate(answers) if answer.get("data")]
    assert len(winners) == 1, answers
    codes = {answer["errors"][0]["extensions"]["code"] for answer in answers if answer.get("errors")}
    assert codes == {"BAD_USER_INPUT"}
    assert (await api.data(LOGIN, _login(f"password number {winners[0]}")))["login"]["token"]
    loser = (winners[0] + 1) % 20
    assert await api.error_code(LOGIN, _login(f"password number {loser}")) == "UNAUTHENTICATED"


async def test_password_reset_by_mail(mail_api: tuple[Api, Inbox]) -> None:
    api, smtp = mail_api
    _, operator = await imported_community(api)
    await api.data(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=operator)
    await api.data(CLAIM, redeem(code_in((await smtp.wait_for(ADDRESS))[0]), "the forgotten one"))
    # when: a reset is asked for (and for a stranger: the same answer, no mail)
    for handle in ("ada", "nobody"):
        answer = await api.data(REQUEST_RESET, {"i": {"communitySlug": "forum", "handle": handle}})
        assert answer["requestPasswordReset"] == {"accepted": True}
    reset_mail = (await smtp.wait_for(ADDRESS, count=2))[1]
    assert reset_mail["Subject"] == "Reset your password in Forum"
    # a claim code is not a reset code, and the reset code is not a claim code
    assert await api.error_code(CLAIM, redeem(code_in(reset_mail), "the new one")) == "BAD_USER_INPUT"
    reset = (await api.data(RESET, redeem(code_in(reset_mail), "the new one")))["resetPassword"]
    # then
    assert reset["user"]["handle"] == "ada"
    assert await api.error_code(LOGIN, _login("the forgotten one")) == "UNAUTHENTICATED"
    assert (await api.data(LOGIN, _login("the new one")))["login"]["token"]
    assert len(smtp.messages) == 2


async def test_guessing_codes_locks_the_handle_out(api: Api) -> None:
    _, operator = await imported_community(api)
    await api.data(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=operator)
    guesses = [await api.error_code(CLAIM, redeem(f"AAAAA-AAAA{n}", "a password here")) for n in range(2, 8)]
    assert guesses == ["BAD_USER_INPUT"] * api.settings.code_max_failures + ["RATE_LIMITED"]


async def test_bad_input_is_refused_with_its_field_and_spends_nothing(mail_api: tuple[Api, Inbox]) -> None:
    api, smtp = mail_api
    _, operator = await imported_community(api)
    # an address that is not one; a member who does not exist; no address on file
    for given, field in (({"handle": "ada", "email": "not an address"}, "email"), ({"handle": "ghost"}, "handle")):
        errors = await api.errors(ISSUE, {"i": {**given, "email": given.get("email", ADDRESS)}}, token=operator)
        assert (errors[0]["extensions"]["code"], errors[0]["extensions"].get("field")) in {
            ("BAD_USER_INPUT", field),
            ("NOT_FOUND", field),
        }
    errors = await api.errors(ISSUE, {"i": {"handle": "ada"}}, token=operator)
    assert (errors[0]["extensions"]["code"], errors[0]["extensions"]["field"]) == ("BAD_USER_INPUT", "email")
    # members cannot issue codes
    member = await register(api, "forum", "plain", password="plain password")
    assert await api.error_code(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=member.token) == "FORBIDDEN"
    client, db = _users_db(api)
    try:
        assert db["account_codes"].count_documents({}) == 0
        assert db["mail_outbox"].count_documents({}) == 0
    finally:
        client.close()
    # a password too short is refused and the code stays good
    await api.data(ISSUE, {"i": {"handle": "ada", "email": ADDRESS}}, token=operator)
    code = code_in((await smtp.wait_for(ADDRESS))[0])
    errors = await api.errors(CLAIM, redeem(code, "short"))
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await api.data(CLAIM, redeem(code, "long enough now")))["claimAccount"]["user"]["handle"] == "ada"
