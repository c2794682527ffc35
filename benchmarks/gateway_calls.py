"""GraphQL calls the gateway benchmarks make on a running gateway: the hot path's queries, a platform-admin client,
the community the benchmarks measure (items and one reader), and the wait for the ingest worker's backlog."""

from __future__ import annotations

import time
from typing import Any

import httpx
from pymongo import MongoClient

ADMIN_KEY = "bench-admin-key-0123456789abcdef0123456789"
# Untimed feeds before the timed runs (said in the output).
WARM_FEEDS = 5
FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 10) { items { score content { id title } } } }"
RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { eventId duplicate } }"
RECORD_MANY = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { results { eventId duplicate } } }"


class Platform:
    """GraphQL calls on the running gateway (set-up and sequential latency probes)."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=120)

    def call(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {"X-API-Key": ADMIN_KEY}
        body = self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers).json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    def register(self, slug: str, handle: str) -> tuple[str, str]:
        data = self.call(
            "mutation($i: RegisterUserInput!) { registerUser(input: $i) { token user { id } } }",
            {"i": {"communitySlug": slug, "handle": handle, "displayName": handle}},
        )
        return data["registerUser"]["token"], data["registerUser"]["user"]["id"]

    def close(self) -> None:
        self.http.close()


def set_up(platform: Platform, items: int) -> dict[str, Any]:
    """The community "hot" with `items` items by one author, and one reader: their ids and the reader's token."""
    community = platform.call(
        'mutation { createCommunity(input: {slug: "hot", name: "Hot", timezone: "UTC"}) { id } }'
    )["createCommunity"]["id"]
    author_token, _ = platform.register("hot", "author")
    content_ids = []
    for n in range(items):
        data = platform.call(
            "mutation($i: PublishContentInput!) { publishContent(input: $i) { id } }",
            {"i": {"title": f"Item {n}", "body": "b", "kind": "UGC", "tags": [f"t{n % 7}"]}},
            token=author_token,
        )
        content_ids.append(data["publishContent"]["id"])
    reader_token, reader_id = platform.register("hot", "reader")
    return {"community": community, "content": content_ids, "reader": reader_token, "reader_id": reader_id}


def warm_feeds(platform: Platform, token: str, count: int = WARM_FEEDS) -> None:
    """A few untimed feeds: a deployed replica has served feeds before it is measured (its first one loads the
    ranking stack and the community's pool); the timed runs measure serving, not a cold start."""
    for _ in range(count):
        platform.call(FEED, token=token)


def drain_ingest(uri: str, prefix: str, *, limit_seconds: float = 600.0) -> float:
    """Wait until the ingest worker has derived every recorded event (the event outbox is empty), so that the next
    timed run does not share the core with a backlog the previous one left; the seconds it took."""
    started = time.monotonic()
    client: MongoClient[dict[str, Any]] = MongoClient(uri, directConnection=True)
    try:
        outbox = client[f"{prefix}_distribution"]["event_outbox"]
        while outbox.estimated_document_count() and time.monotonic() - started < limit_seconds:
            time.sleep(0.5)
    finally:
        client.close()
    return round(time.monotonic() - started, 1)
