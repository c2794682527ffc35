"""A member's feed relations: follow an author (their content becomes candidates), block one (it never reaches the
member's feed or golden-slot pushes)."""

from __future__ import annotations

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession as Session

from distribution_service.schemas import MAX_RELATIONS_LISTED, AuthorRelationChange, AuthorRelations
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.relations import BLOCKS, FOLLOWS
from infra.errors import BadInputError, ConflictError, NotFoundError, UnavailableError
from users_service.client import UsersClient


class RelationsService:
    def __init__(self, store: DistributionStore, users: UsersClient | None) -> None:
        self.store = store
        self.users = users

    async def follow(self, cid: ObjectId, change: AuthorRelationChange) -> AuthorRelations:
        """Idempotent. Following a blocked author is a conflict: the block stands until it is lifted."""
        member, author = await self._check(cid, change, author_must_exist=True)
        if await self.store.relations.get_relation(BLOCKS, cid, member, author):
            raise ConflictError("this author is blocked: unblock them before following", field="authorId")
        await self.store.relations_mirror.refresh(
            cid, member, lambda s: self.store.relations.insert_relation(FOLLOWS, cid, member, author, s)
        )
        return await self._listed(cid, member)

    async def unfollow(self, cid: ObjectId, change: AuthorRelationChange) -> AuthorRelations:
        """Idempotent; an author who has since left the community can still be unfollowed."""
        member, author = await self._check(cid, change, author_must_exist=False)
        await self.store.relations_mirror.refresh(
            cid, member, lambda s: self.store.relations.delete_relation(FOLLOWS, cid, member, author, s)
        )
        return await self._listed(cid, member)

    async def block(self, cid: ObjectId, change: AuthorRelationChange) -> AuthorRelations:
        """Idempotent; ends a follow of the same author."""
        member, author = await self._check(cid, change, author_must_exist=True)

        async def write(session: Session) -> None:
            # Block first: a follow written concurrently is still hidden by it on every read (see `_listed`).
            await self.store.relations.insert_relation(BLOCKS, cid, member, author, session)
            await self.store.relations.delete_relation(FOLLOWS, cid, member, author, session)

        await self.store.relations_mirror.refresh(cid, member, write)
        return await self._listed(cid, member)

    async def unblock(self, cid: ObjectId, change: AuthorRelationChange) -> AuthorRelations:
        """Idempotent; does not restore a follow the block ended."""
        member, author = await self._check(cid, change, author_must_exist=False)

        async def write(session: Session) -> None:
            # A follow stored while blocked can only come from a request that raced the block: it ends with it.
            await self.store.relations.delete_relation(FOLLOWS, cid, member, author, session)
            await self.store.relations.delete_relation(BLOCKS, cid, member, author, session)

        await self.store.relations_mirror.refresh(cid, member, write)
        return await self._listed(cid, member)

    async def relations(self, cid: ObjectId, member_id: ObjectId, *, first: int) -> AuthorRelations:
        """A member's newest `first` (1..100) follows and blocks."""
        if not 1 <= first <= MAX_RELATIONS_LISTED:
            raise BadInputError(f"first must be between 1 and {MAX_RELATIONS_LISTED}", field="first")
        return await self._listed(cid, member_id, first=first)

    async def author_relations(self, cid: ObjectId, member_ids: list[str]) -> dict[str, AuthorRelations]:
        """Every member asked for → all their follows and blocks: one query per collection for the batch."""
        members = [ObjectId(m) for m in dict.fromkeys(member_ids)]
        if not members:
            return {}
        follows = await self.store.relations.list_relations_by_members(FOLLOWS, cid, members)
        blocks = await self.store.relations.list_relations_by_members(BLOCKS, cid, members)
        out: dict[str, AuthorRelations] = {}
        for member in map(str, members):
            blocked = blocks.get(member, set())
            out[member] = AuthorRelations(follows=sorted(follows.get(member, set()) - blocked), blocks=sorted(blocked))
        return out

    async def of_members(
        self, cid: ObjectId, member_ids: list[str], mirrored: dict[str, Doc]
    ) -> dict[str, AuthorRelations]:
        """`author_relations` for a decision, from the relations mirrored in the members' member_recent documents
        (`mirrored`, read with their engagements): the collections are read only for members without a mirror
        while the database's backfill of it is not done (after it, no mirror means no relations)."""
        out = {m: _relations(doc) for m, doc in mirrored.items()}
        missing = [m for m in dict.fromkeys(member_ids) if m not in out]
        if missing and not await self.store.relations_mirror.complete():
            out.update(await self.author_relations(cid, missing))
        return {**{m: AuthorRelations(follows=[], blocks=[]) for m in missing}, **out}

    async def _listed(self, cid: ObjectId, member: ObjectId, *, first: int = MAX_RELATIONS_LISTED) -> AuthorRelations:
        blocks = await self.store.relations.list_relations(BLOCKS, cid, member, limit=first)
        follows = await self.store.relations.list_relations(FOLLOWS, cid, member, limit=first)
        # A follow racing a block may have been written after the block removed it: the block wins.
        blocked = set(blocks)
        return AuthorRelations(follows=[a for a in follows if a not in blocked], blocks=blocks)

    async def _check(
        self, cid: ObjectId, change: AuthorRelationChange, *, author_must_exist: bool
    ) -> tuple[ObjectId, ObjectId]:
        """Both must be members of this community (the author only when a relation is made); never oneself."""
        if author_must_exist and change.member_id == change.author_id:
            raise BadInputError("a member cannot follow or block themselves", field="authorId")
        if self.users is None:
            raise UnavailableError("distribution runs without users_service: relations cannot be checked")
        asked = [change.member_id, change.author_id] if author_must_exist else [change.member_id]
        found = await self.users.lookup_members(str(cid), asked)
        if found[0] is None:
            raise NotFoundError(f"no member with id {change.member_id} in this community", field="memberId")
        if author_must_exist and found[1] is None:
            raise NotFoundError(f"no member with id {change.author_id} in this community", field="authorId")
        return ObjectId(change.member_id), ObjectId(change.author_id)


def _relations(mirror: Doc) -> AuthorRelations:
    """A mirror (store/relations_mirror.py) as `author_relations` answers: the block wins over a follow."""
    blocks = {str(a) for a in mirror.get("blocks", [])}
    follows = {str(a) for a in mirror.get("follows", [])} - blocks
    return AuthorRelations(follows=sorted(follows), blocks=sorted(blocks))
