"""A community's content settings are kept a few seconds per process (the paywall reads its preview length on every
content read), and an operator's change through the service is seen at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from bson import ObjectId

from content_service.schemas.production import ContentSettingsUpdate
from content_service.service.settings import SettingsService
from content_service.store import ContentStore
from infra.settings import Settings
from tests.query_plans import plan_probe


@pytest.fixture
async def store(mongo_uri: str) -> AsyncIterator[ContentStore]:
    async with plan_probe(mongo_uri) as probe:
        store = ContentStore(probe.db.client, probe.db)
        await store.settings.ensure_indexes()
        await store.audit.ensure_indexes()
        yield store


async def test_an_operators_change_is_seen_at_once_while_reads_are_kept(
    store: ContentStore, settings: Settings
) -> None:
    community = ObjectId()
    service = SettingsService(store, settings, kept_seconds=3600)
    assert (await service.get(community)).preview_chars == settings.paywall_preview_chars
    # given: a change written behind the service's back is not read again within the kept time
    await store.settings.settings.update_one({"_id": community}, {"$set": {"preview_chars": 10}}, upsert=True)
    assert (await service.get(community)).preview_chars == settings.paywall_preview_chars
    # when: an operator changes it through the service
    await service.update(community, ContentSettingsUpdate(actor_id=str(ObjectId()), preview_chars=30))
    # then
    assert (await service.get(community)).preview_chars == 30
