"""Every field of the schema that returns content, asked by a member who pays nothing about a PAID piece: the body
never comes back, the piece does, as a teaser. A new field returning Content fails here until it is walked."""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type

from distribution_service.service.slots_command import parser, run
from gateway.schema import build_schema
from tests.factories import Api
from tests.integration.content.paywall_support import BODY, SECRET, paywall

CONTENT = "Content"
# Mutations answering with Content give the caller's own new piece (its author always reads it).
OWN_PIECE_MUTATIONS = {
    "Mutation.publishContent",
    "Mutation.createContent",
    "Mutation.mergeTopic",
    "Mutation.createContentFromTemplate",
}
# Links reached only from operators' mutations (runContentStar, grantExposureBoost): an operator reads every piece,
# and the links resolve through the same per-viewer content loader as every path walked here.
OPERATOR_MUTATION_LINKS = {"ContentStarAward.bestContent", "ExposureBoost.content"}
# The arguments each root field on a path to Content is asked with ({paid}: the PAID piece's id; {decision}: the
# golden-slot decision that pushed it).
ARGUMENTS = {
    "content": '(id: "{paid}")',
    "contentConnection": "(first: 50)",
    "feed": "(slot: MORNING, scene: BEFORE_DECISION, first: 50)",
    "inbox": "(first: 10)",
    "explainFeedItem": '(decisionId: "{decision}", contentId: "{paid}")',
    "comments": '(contentId: "{paid}", first: 10)',
    "bulletComments": '(contentId: "{paid}", first: 10)',
}
# Operators' queries (a member is refused them; an operator reads every piece).
OPERATOR_QUERIES = {"hideExplanation"}
COMMENT = "mutation($input: AddCommentInput!) { addComment(input: $input) { id } }"
BULLET = "mutation($input: AddBulletCommentInput!) { addBulletComment(input: $input) { id } }"
SELECTION = "{ id title body locked preview access }"
REVISIONS = "query($id: ID!) { contentRevisions(contentId: $id) { number body } }"
SUGGEST = "query($body: String!) { draftSuggestions(body: $body) { nearDuplicates { contentId similarity } } }"
EDIT = "mutation($input: EditContentInput!) { editContent(input: $input) { revision } }"


def content_fields(schema: GraphQLSchema) -> set[str]:
    """`Type.field` for every field whose type unwraps to Content."""
    return {
        f"{name}.{field_name}"
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__")
        for field_name, field in kind.fields.items()
        if get_named_type(field.type).name == CONTENT
    }


def paths_to_content(schema: GraphQLSchema) -> list[list[tuple[str, str]]]:
    """Every path of (type, field) from Query to a field returning Content, through object types, each type once."""
    found: list[list[tuple[str, str]]] = []

    def walk(kind: GraphQLObjectType, path: list[tuple[str, str]]) -> None:
        for field_name, field in kind.fields.items():
            named = get_named_type(field.type)
            step = [*path, (kind.name, field_name)]
            if named.name == CONTENT:
                found.append(step)
            elif isinstance(named, GraphQLObjectType) and named.name not in {t for t, _ in step} and len(step) < 5:
                walk(named, step)

    assert schema.query_type is not None
    walk(schema.query_type, [])
    return found


def query_for(schema: GraphQLSchema, path: list[tuple[str, str]], paid_id: str, decision_id: str) -> str:
    text = SELECTION
    for type_name, field_name in reversed(path):
        field = schema.get_type(type_name).fields[field_name]  # type: ignore[union-attr]
        required = [a for a, arg in field.args.items() if str(arg.type).endswith("!")]
        arguments = ARGUMENTS.get(field_name, "") if type_name == "Query" else ""
        missing = [a for a in required if f"{a}:" not in arguments]
        assert not missing, f"give {type_name}.{field_name} its arguments {missing} in ARGUMENTS"
        text = f"{field_name}{arguments.format(paid=paid_id, decision=decision_id)} {text}"
        text = "{ " + text + " }"
    return text


def pieces(value: Any) -> list[dict[str, Any]]:
    """Every object with a `locked` key in a response (the Content objects asked for)."""
    if isinstance(value, dict):
        own = [value] if "locked" in value else []
        return own + [p for v in value.values() for p in pieces(v)]
    if isinstance(value, list):
        return [p for v in value for p in pieces(v)]
    return []


async def test_a_member_who_pays_nothing_never_receives_a_paid_body_by_any_field(api: Api) -> None:
    schema = build_schema()._schema
    paths = paths_to_content(schema)
    walked = {f"{t}.{f}" for path in paths for t, f in path[-1:]}
    reached = walked | OWN_PIECE_MUTATIONS | OPERATOR_MUTATION_LINKS
    assert reached == content_fields(schema), "a field returns Content that no path walks"
    # given: the PAID piece edited once (its revision holds the body), pushed to the reader in a golden slot
    w = await paywall(api)
    await api.data(EDIT, {"input": {"contentId": w.paid_id, "title": "Gear guide, 2nd ed."}}, token=w.expert.token)
    await run(
        parser().parse_args(["run", "--community", "demo", "--day", "2026-05-01", "--slot", "MORNING"]), api.settings
    )
    # a comment and a bullet comment on it, so the comment lists link to it
    await api.data(COMMENT, {"input": {"contentId": w.paid_id, "text": "thanks"}}, token=w.expert.token)
    bullet = {"contentId": w.paid_id, "text": "yes", "paragraph": 1}
    await api.data(BULLET, {"input": bullet}, token=w.expert.token)
    inbox = await api.data("{ inbox(first: 10) { decisionId } }", token=w.reader.token)
    decision_id = inbox["inbox"][0]["decisionId"]
    for path in [p for p in paths if p[0][1] not in OPERATOR_QUERIES]:
        query = query_for(schema, path, w.paid_id, decision_id)
        # when
        body = await api.post(query, token=w.reader.token)
        # then: the piece is there, as a teaser, and its body is nowhere in the answer
        where = " > ".join(f"{t}.{f}" for t, f in path)
        assert "errors" not in body, (where, body)
        assert SECRET not in json.dumps(body), where
        paid = [p for p in pieces(body["data"]) if p["id"] == w.paid_id]
        assert paid, f"{where} did not reach the PAID piece"
        assert all(p["locked"] and p["body"] == "" and p["preview"] for p in paid), where
    revisions = await api.data(REVISIONS, {"id": w.paid_id}, token=w.reader.token)
    assert revisions["contentRevisions"] == []
    kept = await api.data(REVISIONS, {"id": w.paid_id}, token=w.operator.token)
    assert SECRET in kept["contentRevisions"][0]["body"]
    # a draft copying the paid text finds no near-duplicate in it: similarity would be an oracle for the body
    found = await api.data(SUGGEST, {"body": BODY}, token=w.reader.token)
    assert w.paid_id not in {d["contentId"] for d in found["draftSuggestions"]["nearDuplicates"]}
