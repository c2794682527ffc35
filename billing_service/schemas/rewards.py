"""Campaign cash rewards on the wire: grant, release, clawback, and a member's reward balance."""

from __future__ import annotations

from billing_service.domain.rewards import RewardState
from billing_service.schemas.plans import IdempotencyKey, PositiveCents, Text
from infra.schemas import ApiInput, ApiModel, Id


class RewardGrant(ApiInput):
    """A cash reward for a member, held until released. `key` names the reward for good (the caller derives it
    from what is rewarded, e.g. campaign, task and member): the same key grants once, whatever the retries."""

    key: IdempotencyKey
    member_id: Id
    amount_cents: PositiveCents
    reason: Text
    campaign_id: Id | None = None


class RewardMove(ApiInput):
    """Release a held reward into the member's balance, or claw it back (with a reason)."""

    key: IdempotencyKey
    reason: Text | None = None


class RewardRead(ApiModel):
    key: str
    member_id: str
    amount_cents: int
    state: RewardState
    clawed_from: RewardState | None = None


class RewardBalance(ApiModel):
    """A member's campaign money: held (in its holding period) and available (released, not clawed back)."""

    held_cents: int
    available_cents: int
    clawed_back_cents: int
