"""Each member's follows and blocks mirrored into their member_recent document (store/member_recent.py), so that a
feed reads its member's engagements, follows and blocks in one point lookup instead of three queries.

The follows and blocks collections (store/relations.py) stay the truth; the mirror is recomputed from them in a
transaction with every change (`refresh` runs the change in it): two changes of one member racing each rewrite the
same document, so one transaction conflicts, is retried on a later snapshot, and the mirror ends as the collections
do; a change and its mirror commit together, so a block never stays out of the feed's view.

Relations stored before the mirror existed are copied once per database (`backfill`, marked done in
`migrations`); until it is done, `complete` is false and decisions read the collections.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.collection import AsyncCollection

from distribution_service.store.base import Doc
from distribution_service.store.member_recent import MemberRecentStore
from distribution_service.store.relations import BLOCKS, FOLLOWS, RelationsStore

MIGRATION = "relations_mirror"
Transaction = Callable[[Callable[[Session], Awaitable[Any]]], Awaitable[Any]]
# A change to a member's relations, written in the mirror's transaction.
Change = Callable[[Session], Awaitable[Any]]


class RelationsMirror:
    def __init__(
        self, relations: RelationsStore, recent: MemberRecentStore, done: AsyncCollection[Doc], transaction: Transaction
    ) -> None:
        self.relations = relations
        self.recent = recent
        self.done = done
        self.transaction = transaction
        self._complete = False

    async def refresh(self, community_id: ObjectId, member_id: ObjectId, change: Change | None = None) -> None:
        """Make `change` to the member's relations (if any) and rewrite their mirror from the collections, read in
        the same transaction."""

        async def write(session: Session) -> None:
            if change is not None:
                await change(session)
            found = [
                (await self.relations.list_relations_by_members(kind, community_id, [member_id], session)).get(
                    str(member_id), set()
                )
                for kind in (FOLLOWS, BLOCKS)
            ]
            follows, blocks = (sorted(map(ObjectId, f)) for f in found)
            await self.recent.set_relations(community_id, member_id, follows, blocks, session)

        await self.transaction(write)

    async def backfill(self) -> None:
        """Mirror every member's relations stored before the mirror existed, once per database (then marked done).
        Each member is refreshed from the collections: run twice, or beside changes, it ends the same."""
        if await self.done.find_one({"_id": MIGRATION, "done": True}, {"_id": 1}) is not None:
            return
        for community_id, member_id in await self.relations.list_members_with_relations():
            await self.refresh(community_id, member_id)
        await self.done.update_one({"_id": MIGRATION}, {"$set": {"done": True}}, upsert=True)

    async def complete(self) -> bool:
        """Whether the backfill is done (then a member's document, or its absence, is their relations). Read until
        it is; then kept per process."""
        if not self._complete:
            self._complete = await self.done.find_one({"_id": MIGRATION, "done": True}, {"_id": 1}) is not None
        return self._complete
