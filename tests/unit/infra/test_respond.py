"""A route's answer (infra/service_app.respond): models written by pydantic, the same JSON the `json` path wrote."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

from infra.schemas import ApiModel
from infra.service_app import respond


class Part(ApiModel):
    part_id: str
    weight: float | None = None


class Whole(ApiModel):
    whole_id: str
    at: datetime
    parts: list[Part]
    notes: dict[str, float]
    title: str


WHOLE = Whole(
    whole_id="w1",
    at=datetime(2026, 12, 6, 19, 30, 1, 123456, tzinfo=UTC),
    parts=[Part(part_id="p1", weight=0.1 + 0.2), Part(part_id="p2")],
    notes={"freshness": 1e-7, "engagement": 123456.789},
    title="héllo ✓",
)


def test_a_model_is_the_json_its_dump_was() -> None:
    response = respond(WHOLE, status_code=201)
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert json.loads(bytes(response.body)) == WHOLE.model_dump(mode="json", by_alias=True)
    assert Whole.model_validate_json(bytes(response.body)) == WHOLE


def test_a_list_of_models_and_an_empty_list() -> None:
    parts = [Part(part_id="a", weight=2.5), Part(part_id="b")]
    assert json.loads(bytes(respond(parts).body)) == [{"partId": "a", "weight": 2.5}, {"partId": "b", "weight": None}]
    assert json.loads(bytes(respond([]).body)) == []


def test_a_dict_is_written_as_it_is() -> None:
    response = respond({"ok": True, "n": 3})
    assert json.loads(bytes(response.body)) == {"ok": True, "n": 3}


def test_a_float_json_cannot_hold_is_null() -> None:
    body = json.loads(bytes(respond([Part(part_id="n", weight=math.nan), Part(part_id="i", weight=math.inf)]).body))
    assert body == [{"partId": "n", "weight": None}, {"partId": "i", "weight": None}]
