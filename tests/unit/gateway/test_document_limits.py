"""The directive and duplicate-field caps on parsed documents."""

from __future__ import annotations

from graphql import parse

from gateway.document_limits import document_error

LIMITS = {"max_directives": 3, "max_field_repeats": 2}


def message(query: str) -> str | None:
    error = document_error(parse(query), **LIMITS)
    assert error is None or error.extensions == {"code": "BAD_USER_INPUT"}
    return None if error is None else error.message


def test_a_document_within_the_caps_passes() -> None:
    assert message("query($a: Boolean!) { me @include(if: $a) { id id } b: me @skip(if: $a) { id } }") is None


def test_a_directive_repeated_at_one_location_is_refused() -> None:
    assert message("{ __typename @aa @aa }") == "directive @aa is repeated at one location"


def test_directives_over_the_cap_are_refused() -> None:
    query = "{ " + " ".join(f"{key}: __typename @skip(if: false)" for key in "abcd") + " }"
    assert message(query) == "4 directives exceed the maximum of 3"


def test_directives_in_fragments_count_too() -> None:
    query = "{ ...F ...F } fragment F on Query @a1 { x @a2 y @a3 z @a4 }"
    assert message(query) == "4 directives exceed the maximum of 3"


def test_a_field_repeated_over_the_cap_is_refused() -> None:
    assert message("{ me { id id id } }") == "a field repeats 3 times in one selection; the maximum is 2"


def test_an_alias_counts_as_its_response_key() -> None:
    assert message("{ a: me { id } a: me { id } a: me { id } }") is not None
    assert message("{ a: me { id } b: me { id } c: me { id } }") is None
