"""Every root field declares what a partner key needs; the default budget pages 2,000 items a minute."""

from __future__ import annotations

from graphql import parse
from limits import parse as parse_limit

from gateway.partners.scopes import MEMBER_ONLY, PUBLIC, ROOT_FIELD_SCOPES, missing_scope, root_fields
from gateway.query_cost import operation_cost
from gateway.schema import build_schema
from infra.settings import Settings
from users_service.schemas import Scope

PAGE = """
query($after: String) {
  contentConnection(first: 100, after: $after) {
    totalCount
    edges { cursor node { id title kind tags publishedAt author { id handle } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def _schema_root_fields() -> set[str]:
    schema = build_schema()._schema
    names: set[str] = set()
    for root in (schema.query_type, schema.mutation_type):
        assert root is not None
        names |= {f"{root.name}.{name}" for name in root.fields}
    return names


def test_every_root_field_declares_a_scope_or_member_only() -> None:
    undeclared = _schema_root_fields() - set(ROOT_FIELD_SCOPES)

    assert undeclared == set()


def test_table_names_only_fields_of_the_schema_and_known_scopes() -> None:
    assert set(ROOT_FIELD_SCOPES) - _schema_root_fields() == set()
    assert set(ROOT_FIELD_SCOPES.values()) <= {s.value for s in Scope} | {MEMBER_ONLY, PUBLIC}


def test_every_scope_grants_something() -> None:
    assert {s.value for s in Scope} <= set(ROOT_FIELD_SCOPES.values())


def test_missing_scope_names_the_first_refused_field() -> None:
    fields = root_fields(parse("{ contentMix { kind } tierDistribution { tier } }"), None)

    assert missing_scope(fields, frozenset({"analytics:read"})) is None
    assert missing_scope(fields, frozenset({"content:read"})) == ("Query.contentMix", "analytics:read")


def test_fragments_on_the_root_are_checked_too() -> None:
    document = parse("query { ...F } fragment F on Query { me { id } }")

    assert missing_scope(root_fields(document, None), frozenset(s.value for s in Scope)) == ("Query.me", MEMBER_ONLY)


def test_unknown_root_field_is_member_only() -> None:
    assert missing_scope(["Query.somethingNew"], frozenset({"content:read"})) == ("Query.somethingNew", MEMBER_ONLY)


def test_default_budgets_let_a_partner_page_two_thousand_items_a_minute() -> None:
    settings = Settings()
    priced = operation_cost(build_schema()._schema, parse(PAGE), variables={"after": None})
    assert priced is not None
    pages = 2000 // 100

    assert pages * priced.cost <= parse_limit(settings.partner_cost_per_key).amount
    assert pages <= parse_limit(settings.partner_requests_per_key).amount
