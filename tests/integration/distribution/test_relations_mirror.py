"""Follows and blocks mirrored into members' member_recent documents: what a decision reads in its one point lookup
is what the relation collections say, after changes, racing changes and the one-off backfill of older relations."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from bson import ObjectId

from distribution_service.schemas import AuthorRelations
from distribution_service.service.relations import RelationsService
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.relations import BLOCKS, FOLLOWS
from distribution_service.store.relations_mirror import MIGRATION


async def decision_view(
    store: DistributionStore, community: ObjectId, members: list[ObjectId]
) -> dict[str, AuthorRelations]:
    """What a decision ranks with: the mirrors read with the engagements, the collections only where none is."""
    mirrored: dict[str, Doc] = {}
    docs = await store.events.list_member_docs(community, members, limit=10) or {}
    mirrored.update({m: d["relations"] for m, d in docs.items() if "relations" in d})
    service = RelationsService(store, None)
    return await service.of_members(community, [str(m) for m in members], mirrored)


async def test_racing_changes_leave_the_mirror_as_the_collections_are(store: DistributionStore) -> None:
    community, member = ObjectId(), ObjectId()
    authors = [ObjectId() for _ in range(6)]

    async def follow(author: ObjectId) -> None:
        await store.relations.insert_relation(FOLLOWS, community, member, author)
        await store.relations_mirror.refresh(community, member)

    async def block(author: ObjectId) -> None:
        await store.relations.insert_relation(BLOCKS, community, member, author)
        await store.relations.delete_relation(FOLLOWS, community, member, author)
        await store.relations_mirror.refresh(community, member)

    await store.relations_mirror.backfill()
    # when: five follows and a block of one of them, all at once
    await asyncio.gather(*(follow(a) for a in authors[:5]), block(authors[0]), block(authors[5]))
    # then
    truth = await RelationsService(store, None).author_relations(community, [str(member)])
    view = await decision_view(store, community, [member])
    assert view == truth
    assert view[str(member)].blocks == sorted(str(a) for a in (authors[0], authors[5]))
    assert str(authors[0]) not in view[str(member)].follows


async def test_the_backfill_mirrors_relations_stored_before_it_and_a_member_without_any_reads_none(
    store: DistributionStore,
) -> None:
    community, older, newcomer, author = ObjectId(), ObjectId(), ObjectId(), ObjectId()
    # Relations an older version stored (no mirror), and the migration not yet done on this database.
    await store.relations.insert_relation(FOLLOWS, community, older, author)
    await store.events.migrate.done.delete_one({"_id": MIGRATION})
    store.relations_mirror._complete = False
    before = await decision_view(store, community, [older, newcomer])
    # when
    await store.ensure_indexes()
    await store.relations.insert_relation(BLOCKS, community, older, ObjectId())  # after it, not refreshed: ignored
    # then: the collections were read before; the mirror answers after, and its absence means no relations
    after = await decision_view(store, community, [older, newcomer])
    assert before[str(older)].follows == after[str(older)].follows == [str(author)]
    assert after[str(older)].blocks == []
    assert (after[str(newcomer)].follows, after[str(newcomer)].blocks) == ([], [])


async def test_a_change_and_its_mirror_commit_together(store: DistributionStore, monkeypatch: Any) -> None:
    community, member, author = ObjectId(), ObjectId(), ObjectId()

    def block(session: Any) -> Any:
        return store.relations.insert_relation(BLOCKS, community, member, author, session)

    async def mirror_fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the process dies before the mirror is written")

    # when: the mirror's write fails after the block was written in its transaction
    with monkeypatch.context() as patched:
        patched.setattr(store.relations_mirror.recent, "set_relations", mirror_fails)
        with pytest.raises(RuntimeError):
            await store.relations_mirror.refresh(community, member, block)
    # then: neither is stored; done again (an existing relation is no error inside the transaction), both are
    assert await store.relations.get_relation(BLOCKS, community, member, author) is False
    await store.relations_mirror.refresh(community, member, block)
    await store.relations_mirror.refresh(community, member, block)
    view = await decision_view(store, community, [member])
    assert view[str(member)].blocks == [str(author)]
