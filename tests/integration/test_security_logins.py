"""Sign-in under attack: a burst of guesses cannot outrun the lockout, unknown handles cost a hash, bursts finish."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher

from tests.factories import Api, create_community, register
from users_service.domain import passwords

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token } }"


def login_input(handle: str, password: str) -> dict[str, Any]:
    return {"i": {"communitySlug": "demo", "handle": handle, "password": password}}


async def test_a_burst_of_guesses_with_the_right_password_issues_no_token(api: Api) -> None:
    # given
    await create_community(api, "demo")
    await register(api, "demo", "bob", password="right password")
    guesses = [login_input("bob", f"wrong password {n}") for n in range(19)]
    # when: 19 wrong passwords and the right one, all in flight at once
    answers = await asyncio.gather(*(api.post(LOGIN, v) for v in [*guesses, login_input("bob", "right password")]))
    # then: no token; at most `login_max_failures` were even checked, the rest were refused as locked out
    assert all(answer["data"] is None for answer in answers), [a for a in answers if a["data"]]
    codes = [answer["errors"][0]["extensions"]["code"] for answer in answers]
    assert codes.count("UNAUTHENTICATED") <= api.settings.login_max_failures
    assert codes.count("RATE_LIMITED") >= 20 - api.settings.login_max_failures
    # and the lockout holds for the right password afterwards
    assert await api.error_code(LOGIN, login_input("bob", "right password")) == "RATE_LIMITED"


class CountingHasher(PasswordHasher):
    """A real argon2 hasher that also counts verifications."""

    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:  # noqa: A002 - argon2's name
        type(self).verified += 1
        return super().verify(hash, password)


async def test_an_unknown_handle_costs_the_same_hash_as_a_wrong_password(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    await create_community(api, "demo")
    await register(api, "demo", "bob", password="right password")
    hasher = CountingHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    # when
    assert await api.error_code(LOGIN, login_input("bob", "wrong password")) == "UNAUTHENTICATED"
    after_wrong = CountingHasher.verified
    assert await api.error_code(LOGIN, login_input("nobody", "wrong password")) == "UNAUTHENTICATED"
    # then: both ran exactly one argon2 verification
    assert (after_wrong, CountingHasher.verified - after_wrong) == (1, 1)


async def test_twenty_sign_ins_at_once_all_succeed(api: Api) -> None:
    # given
    await create_community(api, "demo")
    handles = [f"member{n}" for n in range(20)]
    for handle in handles:
        await register(api, "demo", handle, password=f"{handle} password")
    # when
    answers = await asyncio.gather(*(api.post(LOGIN, login_input(h, f"{h} password")) for h in handles))
    # then
    assert [answer.get("errors") for answer in answers] == [None] * 20
    assert all(answer["data"]["login"]["token"].count(".") == 2 for answer in answers)


async def test_hashing_leaves_the_event_loop_free() -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    before = ticks
    stored = await passwords.hash_password("a password")
    assert await passwords.verify_password(stored, "a password")
    ticker.cancel()
    assert ticks > before + 1


def test_hash_cost_is_owasp_baseline() -> None:
    # Heavier settings made 20 sign-ins at once outlast the gateway's 10 s timeout on a two-core machine.
    stored = passwords._hasher.hash("a password")  # noqa: SLF001 - the parameters it writes are the point
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
