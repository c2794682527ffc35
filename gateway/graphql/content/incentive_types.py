"""Object types of UGC incentives: content-star awards, pending payouts, exposure boosts."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.content.types import Content
from gateway.graphql.links import content_link, member_link
from gateway.graphql.money import renamed
from gateway.graphql.users.types import User


@strawberry.type
class ContentStarAward:
    member_id: strawberry.ID
    rank: int
    score: float
    amount_minor: int = strawberry.field(
        description="Integer minor units of `currency`.", deprecation_reason=renamed("amountCents")
    )
    currency: str
    best_content_id: strawberry.ID

    @strawberry.field(description="The winning creator; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="Their best piece of the month (a teaser behind the paywall; null when unreadable).")
    async def best_content(self, info: Info) -> Content | None:
        return await content_link(info, self.best_content_id, Content.from_read)

    @strawberry.field(description="The award in cents (integer minor units) of `currency`: 1999 is 19.99.")
    def amount_cents(self) -> int:
        return self.amount_minor


@strawberry.type(description="A month's winners; running the same month again returns this, paying nothing twice.")
class ContentStarResult:
    month: str
    ran_at: datetime
    rerun: bool
    budget_minor: int = strawberry.field(deprecation_reason=renamed("budgetCents"))
    awards: list[ContentStarAward]

    @strawberry.field(
        description="The budget split among winners, in cents (integer minor units) of the community's currency."
    )
    def budget_cents(self) -> int:
        return self.budget_minor


@strawberry.type(description="An award waiting for billing to offer payouts.")
class PendingPayout:
    id: strawberry.ID
    member_id: strawberry.ID
    month: str
    amount_minor: int = strawberry.field(deprecation_reason=renamed("amountCents"))
    currency: str
    status: str
    source: str
    created_at: datetime

    @strawberry.field(description="The creator to be paid; null when their account no longer exists.")
    async def member(self, info: Info) -> User | None:
        return await member_link(info, self.member_id, User.from_read)

    @strawberry.field(description="The award in cents (integer minor units) of `currency`: 1999 is 19.99.")
    def amount_cents(self) -> int:
        return self.amount_minor


@strawberry.type
class ExposureBoost:
    id: strawberry.ID
    content_id: strawberry.ID
    factor: float = strawberry.field(description="Exposure multiplier: +300% is 4.0.")
    starts_at: datetime
    ends_at: datetime
    reason: str

    @strawberry.field(description="The boosted piece (a teaser behind the paywall; null when unreadable).")
    async def content(self, info: Info) -> Content | None:
        return await content_link(info, self.content_id, Content.from_read)
