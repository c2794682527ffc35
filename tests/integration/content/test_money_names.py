"""Amounts are `*Cents`; the deprecated `*Minor` names keep working, and an input naming both must agree."""

from __future__ import annotations

from tests.factories import Api, count_documents
from tests.integration.content.support import world

CREATE = """
mutation($input: CreateContentInput!) { createContent(input: $input) { id productionCostCents productionCostMinor } }
"""
EDIT = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"
COST = "query($id: ID!) { content(id: $id) { productionCostCents productionCostMinor } }"
SETTINGS = """
mutation($input: UpdateContentSettingsInput!) {
  updateContentSettings(input: $input) { contentStarBudgetCents contentStarBudgetMinor }
}
"""


async def test_production_cost_reads_and_writes_under_either_name(api: Api) -> None:
    w = await world(api)
    token = w.operator.token
    new = {"title": "T", "body": "B", "productionCostCents": 5000}
    created = (await api.data(CREATE, {"input": new}, token=token))["createContent"]
    old = {"title": "U", "body": "B", "productionCostMinor": 7000}
    legacy = (await api.data(CREATE, {"input": old}, token=token))["createContent"]
    agreeing = {"title": "V", "body": "B", "productionCostMinor": 9000, "productionCostCents": 9000}
    both = (await api.data(CREATE, {"input": agreeing}, token=token))["createContent"]
    assert [(c["productionCostCents"], c["productionCostMinor"]) for c in (created, legacy, both)] == [
        (5000, 5000),
        (7000, 7000),
        (9000, 9000),
    ]
    await api.data(EDIT, {"input": {"contentId": created["id"], "productionCostMinor": 6000}}, token=token)
    assert (await api.data(COST, {"id": created["id"]}, token=token))["content"] == {
        "productionCostCents": 6000,
        "productionCostMinor": 6000,
    }


async def test_an_input_naming_both_with_different_amounts_is_refused_and_writes_nothing(api: Api) -> None:
    w = await world(api)
    token = w.operator.token
    pieces = count_documents(api.settings, "content", "content")
    clash = {"title": "T", "body": "B", "productionCostCents": 5000, "productionCostMinor": 500}
    created = await api.errors(CREATE, {"input": clash}, token=token)
    edit = {"contentId": w.content_id, "productionCostCents": 1, "productionCostMinor": 2}
    edited = await api.errors(EDIT, {"input": edit}, token=token)
    budget = {"contentStarBudgetCents": 100, "contentStarBudgetMinor": 200}
    settings = await api.errors(SETTINGS, {"input": budget}, token=token)
    assert [e[0]["extensions"]["code"] for e in (created, edited, settings)] == ["BAD_USER_INPUT"] * 3
    assert count_documents(api.settings, "content", "content") == pieces
    assert (await api.data(COST, {"id": w.content_id}, token=token))["content"]["productionCostCents"] is None
    updated = await api.data(SETTINGS, {"input": {"contentStarBudgetCents": 250_000}}, token=token)
    legacy = await api.data(SETTINGS, {"input": {"contentStarBudgetMinor": 260_000}}, token=token)
    assert (updated["updateContentSettings"], legacy["updateContentSettings"]) == (
        {"contentStarBudgetCents": 250_000, "contentStarBudgetMinor": 250_000},
        {"contentStarBudgetCents": 260_000, "contentStarBudgetMinor": 260_000},
    )
