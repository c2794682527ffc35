"""The persisted-query store: Apollo's APQ steps, the bounded cache, and the allow-list manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from strawberry.http import GraphQLRequestData

from gateway.persisted_queries import PersistedQueries, PersistedQueryError, load_allowlist, sha256_hex

QUERY = "{ me { id } }"


def by_hash(digest: str, query: str | None = None, version: object = 1) -> GraphQLRequestData:
    extensions = {"persistedQuery": {"version": version, "sha256Hash": digest}}
    return GraphQLRequestData(query=query, variables=None, operation_name=None, extensions=extensions)


def test_an_unknown_hash_is_not_found_then_registered_by_the_resend() -> None:
    queries = PersistedQueries(capacity=10)

    with pytest.raises(PersistedQueryError) as missing:
        queries.resolve(by_hash(sha256_hex(QUERY)))
    queries.resolve(by_hash(sha256_hex(QUERY), QUERY))

    assert (missing.value.code, missing.value.message, missing.value.status) == (
        "PERSISTED_QUERY_NOT_FOUND",
        "PersistedQueryNotFound",
        200,
    )
    assert queries.resolve(by_hash(sha256_hex(QUERY))).query == QUERY


def test_a_hash_that_is_not_the_query_sha256_is_refused_and_not_kept() -> None:
    queries = PersistedQueries(capacity=10)

    with pytest.raises(PersistedQueryError, match="^persistedQuery: provided sha does not match query$"):
        queries.resolve(by_hash("0" * 64, QUERY))

    assert queries.get("0" * 64) is None


def test_only_version_1_is_spoken() -> None:
    with pytest.raises(PersistedQueryError, match="^persistedQuery: only version 1 is supported$"):
        PersistedQueries(capacity=10).resolve(by_hash(sha256_hex(QUERY), version=2))


def test_the_cache_drops_the_least_recently_used() -> None:
    queries = PersistedQueries(capacity=2)
    first, second, third = "{ a }", "{ b }", "{ c }"
    queries.put(sha256_hex(first), first)
    queries.put(sha256_hex(second), second)
    queries.get(sha256_hex(first))

    queries.put(sha256_hex(third), third)

    assert [queries.get(sha256_hex(q)) for q in (first, second, third)] == [first, None, third]


def test_without_a_cache_or_allow_list_apq_is_not_supported() -> None:
    with pytest.raises(PersistedQueryError) as refused:
        PersistedQueries(capacity=0).resolve(by_hash(sha256_hex(QUERY)))

    assert refused.value.code == "PERSISTED_QUERY_NOT_SUPPORTED"


def test_a_request_without_a_hash_passes_untouched() -> None:
    request = GraphQLRequestData(query=QUERY, variables=None, operation_name=None, extensions=None)

    assert PersistedQueries(capacity=10).resolve(request) is request


def test_the_manifest_is_read_in_apollo_format_and_its_operations_never_evicted(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    operations = [{"id": sha256_hex(QUERY), "name": "Me", "type": "query", "body": QUERY}]
    manifest.write_text(
        json.dumps({"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations})
    )

    queries = PersistedQueries(capacity=1, allowlist=load_allowlist(manifest))
    queries.put(sha256_hex("{ a }"), "{ a }")
    queries.put(sha256_hex("{ b }"), "{ b }")

    assert queries.get(sha256_hex(QUERY)) == QUERY
    assert queries.allowed(QUERY)
    assert not queries.allowed("{ a }")


def test_a_manifest_entry_whose_id_is_not_its_sha256_fails_the_start(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"0" * 64: QUERY}))

    with pytest.raises(ValueError, match="is not the sha256 of its query$"):
        load_allowlist(manifest)
