"""Services are closed by default: with no INTERNAL_API_TOKEN configured they still refuse callers without one."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import create_community, register

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token } }"


async def test_services_refuse_callers_without_the_token_when_none_was_configured(gateway_with: Any) -> None:
    async with gateway_with(app_env="development", internal_api_token=None) as api:
        # given: the platform works through its own clients
        community_id = await create_community(api, "demo")
        await register(api, "demo", "bob", password="right password")
        # when: a caller on the machine reaches each service directly
        answers = {}
        for name, app in api.app.state.services.apps.items():
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}") as raw:
                answers[name] = await raw.get(f"/communities/{community_id}")
    # then
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 403)


async def test_a_caller_cannot_pick_its_address_to_escape_the_lockout(gateway_with: Any) -> None:
    async with gateway_with(app_env="development", internal_api_token=None) as api:
        community_id = await create_community(api, "demo")
        await register(api, "demo", "bob", password="right password")
        wrong = {"i": {"communitySlug": "demo", "handle": "bob", "password": "wrong password"}}
        for _ in range(api.settings.login_max_failures):
            assert await api.error_code(LOGIN, wrong) == "UNAUTHENTICATED"
        # when: the password check is called directly, claiming a fresh address
        users = api.app.state.services.apps["users"]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=users), base_url="http://users") as raw:
            direct = await raw.post(
                f"/communities/{community_id}/sessions",
                json={"handle": "bob", "password": "right password", "address": "192.0.2.1"},
            )
        # then: refused before any password is checked, and the gateway still locks the handle
        assert direct.status_code == 403
        right = {"i": {"communitySlug": "demo", "handle": "bob", "password": "right password"}}
        assert await api.error_code(LOGIN, right) == "RATE_LIMITED"
