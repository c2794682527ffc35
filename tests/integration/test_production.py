"""In production, no GraphiQL, no introspection, no field suggestions."""

from __future__ import annotations

from typing import Any


async def test_production_hides_the_schema(gateway_with: Any) -> None:
    async with gateway_with(app_env="production", billing_webhook_secret="whsec_" + "p" * 40) as api:
        introspection = await api.post("{ __schema { types { name } } }")
        typo = await api.post("{ mee { id } }")
        ide = await api.http.get("/graphql", headers={"accept": "text/html"})
    assert introspection["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "introspection" in introspection["errors"][0]["message"].lower()
    assert "Did you mean" not in typo["errors"][0]["message"]
    assert ide.status_code == 404


async def test_development_serves_graphiql_and_suggestions(gateway_with: Any) -> None:
    async with gateway_with(app_env="development") as api:
        typo = await api.post("{ mee { id } }")
        ide = await api.http.get("/graphql", headers={"accept": "text/html"})
    assert "Did you mean 'me'" in typo["errors"][0]["message"]
    assert "graphiql" in ide.text.lower()
