"""Campaign cash rewards through the ledger: granted once per key, held, released, or clawed back.

Each step writes the reward's state and its balanced posting in one transaction. The reward's unique key and the
ledger's unique posting id both refuse a second grant, so a replay (sequential or concurrent) answers the stored
reward and posts nothing; state moves are conditional updates, so a release racing a clawback moves the money once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from billing_service.domain.ledger import Line
from billing_service.domain.rewards import RewardState, clawback_lines, grant_lines, posting_id, release_lines
from billing_service.schemas.rewards import RewardBalance, RewardGrant, RewardMove, RewardRead
from billing_service.store import BillingStore, Doc, Session
from infra.errors import ConflictError, NotFoundError


class RewardNotFound(NotFoundError):
    """No reward with this key in the community."""


class RewardsService:
    def __init__(self, store: BillingStore) -> None:
        self.store = store

    async def grant(self, cid: ObjectId, grant_in: RewardGrant) -> RewardRead:
        member = ObjectId(grant_in.member_id)

        async def book(session: Session) -> Doc:
            doc = await self.store.rewards.insert(
                session,
                {
                    "community_id": cid,
                    "key": grant_in.key,
                    "member_id": member,
                    "amount_cents": grant_in.amount_cents,
                    "campaign_id": ObjectId(grant_in.campaign_id) if grant_in.campaign_id else None,
                    "reason": grant_in.reason,
                    "state": RewardState.HELD.value,
                },
            )
            await self._post(session, cid, doc, "grant", grant_lines(grant_in.amount_cents))
            return doc

        try:
            doc = await self.store.transaction(book)
        except DuplicateKeyError:
            doc = await self._get_or_raise(cid, grant_in.key)
            if doc["member_id"] != member or doc["amount_cents"] != grant_in.amount_cents:
                raise ConflictError("this reward key was granted with other parameters", field="key") from None
        return _read(doc)

    async def release(self, cid: ObjectId, move: RewardMove) -> RewardRead:
        """Held → released into the member's balance; a reward already released or clawed back is answered as is."""

        async def run(session: Session) -> Doc | None:
            before = await self.store.rewards.move(
                session, cid, move.key, [RewardState.HELD], RewardState.RELEASED, {"released_at": datetime.now(UTC)}
            )
            if before is not None:
                await self._post(session, cid, before, "release", release_lines(before["amount_cents"]))
            return before

        await self._get_or_raise(cid, move.key)
        await self.store.transaction(run)
        return _read(await self._get_or_raise(cid, move.key))

    async def clawback(self, cid: ObjectId, move: RewardMove) -> RewardRead:
        """Held or released → clawed back, reversing the cost from where the money sits; once only."""

        async def run(session: Session) -> Doc | None:
            before = await self.store.rewards.move(
                session,
                cid,
                move.key,
                [RewardState.HELD, RewardState.RELEASED],
                RewardState.CLAWED_BACK,
                {"clawback_reason": move.reason, "clawed_back_at": datetime.now(UTC)},
            )
            if before is not None:
                source = RewardState(before["state"])
                await self.store.rewards.move(
                    session, cid, move.key, [RewardState.CLAWED_BACK], RewardState.CLAWED_BACK, {"clawed_from": source}
                )
                await self._post(session, cid, before, "clawback", clawback_lines(before["amount_cents"], source))
            return before

        await self._get_or_raise(cid, move.key)
        await self.store.transaction(run)
        return _read(await self._get_or_raise(cid, move.key))

    async def balance(self, cid: ObjectId, member_id: ObjectId) -> RewardBalance:
        sums = await self.store.rewards.sums_by_state(cid, member_id)
        return RewardBalance(
            held_cents=sums.get(RewardState.HELD.value, 0),
            available_cents=sums.get(RewardState.RELEASED.value, 0),
            clawed_back_cents=sums.get(RewardState.CLAWED_BACK.value, 0),
        )

    async def _get_or_raise(self, cid: ObjectId, key: str) -> Doc:
        doc = await self.store.rewards.get(cid, key)
        if doc is None:
            raise RewardNotFound(f"no reward with key {key} in this community", field="key")
        return doc

    async def _post(self, session: Session, cid: ObjectId, reward: Doc, action: str, lines: list[Line]) -> None:
        await self.store.ledger.post(
            session,
            community_id=cid,
            posting_id=posting_id(action, reward["key"]),
            kind=f"campaign_reward_{action}",
            lines=lines,
            occurred_at=datetime.now(UTC),
            member_id=reward["member_id"],
            meta={"reward_key": reward["key"], "campaign_id": reward.get("campaign_id")},
        )


def _read(doc: Doc) -> RewardRead:
    clawed_from = doc.get("clawed_from")
    return RewardRead(
        key=doc["key"],
        member_id=str(doc["member_id"]),
        amount_cents=doc["amount_cents"],
        state=RewardState(doc["state"]),
        clawed_from=RewardState(clawed_from) if clawed_from else None,
    )
