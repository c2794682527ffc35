"""Templates: versions, creation with field-level errors, bulk import/export, performance, draft suggestions."""

from __future__ import annotations

import json
from typing import Any

import yaml

from tests.factories import Api, count_documents, publish
from tests.integration.content.support import world

SAVE = "mutation($input: SaveTemplateInput!) { saveTemplate(input: $input) { id key version platform } }"
CREATE = """
mutation($input: CreateContentFromTemplateInput!) {
  createContentFromTemplate(input: $input) { id title body kind tags templateId }
}
"""
IMPORT = (
    "mutation($input: ImportTemplatesInput!) { importTemplates(input: $input) { created versioned unchanged total } }"
)
EXPORT = "query($f: TemplateFormat!) { exportTemplates(format: $f) { format count document } }"
TEMPLATES = "{ templates { key platform version usageCount } }"
PERFORMANCE = "query($id: ID!) { templatePerformance(id: $id) { usageCount pieces upVotes engagementPerPiece } }"
SUGGEST = "query($b: String!) { draftSuggestions(body: $b) { tags { tag } nearDuplicates { contentId } corpusSize } }"

RECIPE: dict[str, Any] = {
    "key": "repair-log",
    "name": "Repair log",
    "fields": [
        {"name": "title", "required": True, "maxLength": 40},
        {"name": "hours", "type": "NUMBER", "required": True},
        {"name": "difficulty", "type": "CHOICE", "choices": ["EASY", "HARD"]},
        {"name": "notes"},
    ],
    "defaultTags": ["repair"],
    "bodyPattern": "Took {hours} hours ({difficulty}).\n\n{notes}",
}


def _values(**values: str) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in values.items()]


async def _save(api: Api, token: str, template: dict[str, Any] = RECIPE) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(SAVE, {"input": {"template": template}}, token=token))["saveTemplate"]
    return result


async def test_content_from_template_is_rendered_with_its_defaults(api: Api) -> None:
    w = await world(api)
    t = await _save(api, w.operator.token)
    values = _values(title="Wheel true", hours="2", difficulty="HARD", notes="Spoke key")
    data = await api.data(CREATE, {"input": {"templateId": t["id"], "values": values}}, token=w.member.token)
    assert data["createContentFromTemplate"] == {
        "id": data["createContentFromTemplate"]["id"],
        "title": "Wheel true",
        "body": "Took 2 hours (HARD).\n\nSpoke key",
        "kind": "UGC",
        "tags": ["repair"],
        "templateId": t["id"],
    }


async def test_template_field_errors_name_each_bad_field_and_write_nothing(api: Api) -> None:
    w = await world(api)
    t = await _save(api, w.operator.token)
    before = count_documents(api.settings, "content", "content")
    values = _values(title="x" * 41, hours="two", difficulty="MEDIUM", colour="red")
    errors = await api.errors(CREATE, {"input": {"templateId": t["id"], "values": values}}, token=w.member.token)
    ext = errors[0]["extensions"]
    assert (ext["code"], ext["field"]) == ("BAD_USER_INPUT", "title")
    assert [f["field"] for f in ext["fields"]] == ["title", "hours", "difficulty", "colour"]
    assert count_documents(api.settings, "content", "content") == before


async def test_missing_required_field_is_named(api: Api) -> None:
    w = await world(api)
    t = await _save(api, w.operator.token)
    errors = await api.errors(
        CREATE, {"input": {"templateId": t["id"], "values": _values(title="T")}}, token=w.member.token
    )
    assert errors[0]["extensions"]["fields"] == [{"field": "hours", "message": "is required"}]


async def test_changed_template_gets_a_new_version_and_old_versions_still_validate(api: Api) -> None:
    w = await world(api)
    first = await _save(api, w.operator.token)
    same = await _save(api, w.operator.token)
    second = await _save(api, w.operator.token, {**RECIPE, "fields": [{"name": "title", "required": True}]})
    assert [(x["id"], x["version"]) for x in (first, same, second)] == [
        (first["id"], 1),
        (first["id"], 1),
        (first["id"], 2),
    ]
    v1 = {"templateId": first["id"], "version": 1, "values": _values(title="Old", hours="1")}
    data = await api.data(CREATE, {"input": v1}, token=w.member.token)
    assert data["createContentFromTemplate"]["title"] == "Old"


async def test_library_lists_platform_starters_and_counts_usage(api: Api) -> None:
    w = await world(api)
    t = await _save(api, w.operator.token)
    await api.data(
        CREATE, {"input": {"templateId": t["id"], "values": _values(title="A", hours="1")}}, token=w.member.token
    )
    listed = (await api.data(TEMPLATES, token=w.member.token))["templates"]
    assert {x["key"]: (x["platform"], x["usageCount"]) for x in listed} == {
        "repair-log": (False, 1),
        "starter-howto": (True, 0),
        "starter-qa": (True, 0),
        "starter-review": (True, 0),
    }


async def test_import_json_then_yaml_creates_versions_and_skips_unchanged(api: Api) -> None:
    w = await world(api)
    library = [{**RECIPE, "key": f"t-{i}"} for i in range(30)]
    first = await api.data(
        IMPORT, {"input": {"format": "JSON", "document": json.dumps({"templates": library})}}, token=w.operator.token
    )
    library[0] = {**library[0], "name": "Renamed"}
    second = await api.data(
        IMPORT, {"input": {"format": "YAML", "document": yaml.safe_dump(library)}}, token=w.operator.token
    )
    assert first["importTemplates"] == {"created": 30, "versioned": 0, "unchanged": 0, "total": 30}
    assert second["importTemplates"] == {"created": 0, "versioned": 1, "unchanged": 29, "total": 30}


async def test_import_with_one_bad_entry_names_it_and_writes_nothing(api: Api) -> None:
    w = await world(api)
    library = [{**RECIPE, "key": "good"}, {**RECIPE, "key": "bad", "fields": [{"name": "c", "type": "CHOICE"}]}]
    errors = await api.errors(
        IMPORT, {"input": {"format": "JSON", "document": json.dumps(library)}}, token=w.operator.token
    )
    assert errors[0]["extensions"]["fields"][0]["field"] == "templates.1.fields.0"
    assert count_documents(api.settings, "content", "templates") == 3  # the platform starters only


async def test_export_round_trips_through_import(api: Api) -> None:
    w = await world(api)
    await _save(api, w.operator.token)
    exported = (await api.data(EXPORT, {"f": "YAML"}, token=w.operator.token))["exportTemplates"]
    again = await api.data(
        IMPORT, {"input": {"format": "YAML", "document": exported["document"]}}, token=w.operator.token
    )
    assert (exported["count"], again["importTemplates"]["unchanged"]) == (1, 1)


async def test_members_cannot_import(api: Api) -> None:
    w = await world(api)
    code = await api.error_code(IMPORT, {"input": {"format": "JSON", "document": "[]"}}, token=w.member.token)
    assert code == "FORBIDDEN"


async def test_template_performance_sums_engagement_of_its_pieces(api: Api) -> None:
    w = await world(api)
    t = await _save(api, w.operator.token)
    made = await api.data(
        CREATE, {"input": {"templateId": t["id"], "values": _values(title="A", hours="1")}}, token=w.member.token
    )
    vote = "mutation($input: VoteContentInput!) { voteContent(input: $input) { up } }"
    await api.data(
        vote, {"input": {"contentId": made["createContentFromTemplate"]["id"], "value": "UP"}}, token=w.operator.token
    )
    perf = (await api.data(PERFORMANCE, {"id": t["id"]}, token=w.member.token))["templatePerformance"]
    assert perf == {"usageCount": 1, "pieces": 1, "upVotes": 1, "engagementPerPiece": 1.0}


async def test_draft_suggestions_offer_tags_of_similar_pieces_and_flag_a_near_duplicate(api: Api) -> None:
    w = await world(api)
    dup = await publish(api, w.member, "Tubeless tyre sealant refresh", tags=["tyres", "tubeless"])
    await publish(api, w.member, "Tyre pressure for gravel", tags=["tyres", "gravel"])
    data = await api.data(SUGGEST, {"b": "Tubeless tyre sealant refresh body"}, token=w.member.token)
    s = data["draftSuggestions"]
    assert [t["tag"] for t in s["tags"]] == ["tyres", "tubeless", "gravel"]  # tyres: both neighbours carry it
    assert (s["nearDuplicates"], s["corpusSize"]) == ([{"contentId": dup}], 3)


async def test_another_communitys_template_is_not_found(api: Api) -> None:
    w = await world(api)
    other = await world(api, "other")
    t = await _save(api, other.operator.token)
    errors = await api.errors(
        CREATE, {"input": {"templateId": t["id"], "values": _values(title="A")}}, token=w.member.token
    )
    assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "templateId"}


async def test_a_platform_starters_usage_is_counted_per_community(api: Api) -> None:
    w = await world(api)
    other = await world(api, "other")
    listed = (await api.data(TEMPLATES, token=w.member.token))["templates"]
    starter = (await api.data("{ templates { id key } }", token=w.member.token))["templates"]
    qa = next(x["id"] for x in starter if x["key"] == "starter-qa")
    spec = (
        await api.data(
            "query($id: ID!) { template(id: $id) { fields { name required } } }", {"id": qa}, token=w.member.token
        )
    )["template"]
    values = [{"name": f["name"], "value": "x"} for f in spec["fields"] if f["required"]]
    await api.data(CREATE, {"input": {"templateId": qa, "values": values}}, token=w.member.token)
    mine = {x["key"]: x["usageCount"] for x in (await api.data(TEMPLATES, token=w.member.token))["templates"]}
    theirs = {x["key"]: x["usageCount"] for x in (await api.data(TEMPLATES, token=other.member.token))["templates"]}
    assert ({x["key"]: x["usageCount"] for x in listed}["starter-qa"], mine["starter-qa"], theirs["starter-qa"]) == (
        0,
        1,
        0,
    )


async def test_draft_suggestions_reuse_the_fitted_index_for_a_while(api: Api) -> None:
    w = await world(api)
    first = (await api.data(SUGGEST, {"b": "chain"}, token=w.member.token))["draftSuggestions"]["corpusSize"]
    await publish(api, w.member, "Chain wear gauge")
    again = (await api.data(SUGGEST, {"b": "chain"}, token=w.member.token))["draftSuggestions"]["corpusSize"]
    assert (first, again) == (1, 1)  # the piece published meanwhile joins after CORPUS_CACHE_SECONDS
