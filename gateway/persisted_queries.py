"""Automatic persisted queries (Apollo's APQ protocol) and an allow-list, at the transport: no business logic.

A client sends `extensions.persistedQuery {version: 1, sha256Hash}` without the query; the gateway runs the query
it holds under that hash, or answers PERSISTED_QUERY_NOT_FOUND, and the client resends hash and query once, which
the gateway checks (the hash must be the query's sha256) and keeps. The cache is in-process and bounded (least
recently used first out); the allow-list, loaded at start from a manifest, is never evicted, and a partner key
can be held to it (gateway.partners.allowlist).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from strawberry.http import GraphQLRequestData

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"


class PersistedQueryError(Exception):
    """A persisted-query request the gateway cannot run, answered in the GraphQL shape with `code`."""

    def __init__(self, message: str, code: str, status: int) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def load_allowlist(path: Path) -> dict[str, str]:
    """hash -> query from Apollo's manifest (`{"operations": [{"id", "body"}, ...]}`) or a plain `{hash: query}`
    map; an id that is not its body's sha256 fails the start rather than a request."""
    document: Any = json.loads(path.read_text())
    if isinstance(document, dict) and isinstance(document.get("operations"), list):
        pairs = {op["id"]: op["body"] for op in document["operations"]}
    elif isinstance(document, dict):
        pairs = dict(document)
    else:
        raise ValueError(f"{path}: neither a persisted query manifest nor a {{hash: query}} map")
    for digest, query in pairs.items():
        if not isinstance(query, str) or sha256_hex(query) != digest:
            raise ValueError(f"{path}: {digest} is not the sha256 of its query")
    return pairs


class PersistedQueries:
    """The queries a client may send by hash: the allow-list, then the APQ cache of at most `capacity` entries."""

    def __init__(self, *, capacity: int, allowlist: Mapping[str, str] | None = None) -> None:
        self.capacity = capacity
        self.allowlist = dict(allowlist or {})
        self._cache: OrderedDict[str, str] = OrderedDict()

    def allowed(self, query: str) -> bool:
        return sha256_hex(query) in self.allowlist

    def get(self, digest: str) -> str | None:
        if digest in self.allowlist:
            return self.allowlist[digest]
        query = self._cache.get(digest)
        if query is not None:
            self._cache.move_to_end(digest)
        return query

    def put(self, digest: str, query: str) -> None:
        if self.capacity <= 0 or digest in self.allowlist:
            return
        self._cache[digest] = query
        self._cache.move_to_end(digest)
        while len(self._cache) > self.capacity:
            self._cache.popitem(last=False)

    def resolve(self, request: GraphQLRequestData) -> GraphQLRequestData:
        """The request with its query filled in from the hash it names; requests without a hash pass as they are."""
        persisted = (request.extensions or {}).get("persistedQuery")
        if persisted is None:
            return request
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError("persistedQuery: only version 1 is supported", "BAD_USER_INPUT", 400)
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str):
            raise PersistedQueryError("persistedQuery: sha256Hash must be a string", "BAD_USER_INPUT", 400)
        if request.query is None:
            if self.capacity <= 0 and not self.allowlist:
                raise PersistedQueryError("PersistedQueryNotSupported", NOT_SUPPORTED, 200)
            query = self.get(digest)
            if query is None:
                raise PersistedQueryError(NOT_FOUND_MESSAGE, NOT_FOUND, 200)
            request.query = query
            return request
        if sha256_hex(request.query) != digest:
            raise PersistedQueryError("persistedQuery: provided sha does not match query", "BAD_USER_INPUT", 400)
        self.put(digest, request.query)
        return request
