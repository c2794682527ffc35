"""The `account_codes` collection: one-time claim and reset codes, hashed, expiring, used at most once.

Redeeming is one conditional update (unused, unexpired, this hash) inside the caller's transaction, so of any
number of concurrent redemptions of one code exactly one matches; the others find it used.
"""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from infra.indexes import IndexPlan
from users_service.domain.account_codes import CodePurpose
from users_service.store.base import Doc, Session

# Spent and expired codes are purged this long after they expire (kept meanwhile to answer "who issued what").
PURGE_AFTER_SECONDS = 30 * 86400


class AccountCodesStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.codes = db["account_codes"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # redeem, supersede and count_issued_since: a member's codes of one purpose.
        indexes.add(
            self.codes,
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("purpose", ASCENDING), ("created_at", ASCENDING)],
            name="community_member_purpose_created",
        )
        indexes.add(self.codes, "expires_at", expireAfterSeconds=PURGE_AFTER_SECONDS, name="expires_at_ttl")
        await indexes.create()

    async def issue(
        self,
        community_id: ObjectId,
        member_id: ObjectId,
        purpose: CodePurpose,
        *,
        code_hash: str,
        issued_by: str | None,
        now: datetime,
        expires_at: datetime,
        session: Session,
    ) -> None:
        """Store a new code; the member's earlier unused codes of this purpose stop working."""
        await self.codes.update_many(
            {"community_id": community_id, "member_id": member_id, "purpose": purpose.value, "used_at": None},
            {"$set": {"used_at": now, "superseded": True}},
            session=session,
        )
        doc: Doc = {
            "community_id": community_id,
            "member_id": member_id,
            "purpose": purpose.value,
            "code_hash": code_hash,
            "issued_by": issued_by,
            "created_at": now,
            "expires_at": expires_at,
            "used_at": None,
        }
        await self.codes.insert_one(doc, session=session)

    async def redeem(
        self,
        community_id: ObjectId,
        member_id: ObjectId,
        purpose: CodePurpose,
        *,
        code_hash: str,
        now: datetime,
        session: Session,
    ) -> bool:
        """Mark the code used if it is this member's, of this purpose, unused and unexpired; whether it was."""
        doc = await self.codes.find_one_and_update(
            {
                "community_id": community_id,
                "member_id": member_id,
                "purpose": purpose.value,
                "code_hash": code_hash,
                "used_at": None,
                "expires_at": {"$gt": now},
            },
            {"$set": {"used_at": now}},
            session=session,
        )
        return doc is not None

    async def is_live(
        self, community_id: ObjectId, member_id: ObjectId, purpose: CodePurpose, *, code_hash: str, now: datetime
    ) -> bool:
        """Whether the code could be redeemed now (read only: `redeem` decides, in its transaction)."""
        doc = await self.codes.find_one(
            {
                "community_id": community_id,
                "member_id": member_id,
                "purpose": purpose.value,
                "code_hash": code_hash,
                "used_at": None,
                "expires_at": {"$gt": now},
            },
            {"_id": 1},
        )
        return doc is not None

    async def count_issued_since(
        self, community_id: ObjectId, member_id: ObjectId, purpose: CodePurpose, since: datetime
    ) -> int:
        return await self.codes.count_documents(
            {
                "community_id": community_id,
                "member_id": member_id,
                "purpose": purpose.value,
                "created_at": {"$gte": since},
            }
        )
