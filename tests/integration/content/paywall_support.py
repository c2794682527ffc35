"""A community with a paywall: an expert's PAID, MEMBERS and PUBLIC pieces, a plan, an operator, a non-payer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.factories import Api, Member, create_community, create_plan, grant, register

# Past any preview (an automatic preview shows at most half a gated piece's text), so it appears only in a body.
SECRET = "SECRET-PAID-PARAGRAPH"
BODY = "An opening anyone may preview as a teaser. " * 12 + "\n\n" + SECRET
MEMBERS_BODY = "Notes for members only. " * 12 + "\n\nMEMBERS-ONLY-PARAGRAPH"
PUBLISH = """
mutation($input: PublishContentInput!) {
  publishContent(input: $input) { id access planIds minTier locked preview body }
}
"""
SUBSCRIBE = "mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id status } } }"


@dataclass(frozen=True)
class Paywall:
    community_id: str
    plan_id: str
    operator: Member
    expert: Member
    reader: Member
    paid_id: str
    members_id: str
    public_id: str


async def publish_as(api: Api, member: Member, **fields: Any) -> dict[str, Any]:
    payload = {"title": "Gear guide", "body": BODY, "kind": "PGC", **fields}
    piece: dict[str, Any] = (await api.data(PUBLISH, {"input": payload}, token=member.token))["publishContent"]
    return piece


async def paywall(api: Api) -> Paywall:
    community_id = await create_community(api, "demo")
    plan_id = await create_plan(api, community_id)
    operator = await register(api, "demo", "olga")
    await grant(api, community_id, "olga", "OPERATOR")
    expert = await register(api, "demo", "erin")
    await grant(api, community_id, "erin", "EXPERT")
    reader = await register(api, "demo", "alice")
    paid = await publish_as(api, expert, access="PAID")
    members = await publish_as(api, expert, title="Members' notes", body=MEMBERS_BODY, access="MEMBERS")
    public = await publish_as(api, expert, title="Open letter", body="Everyone reads this.")
    return Paywall(community_id, plan_id, operator, expert, reader, paid["id"], members["id"], public["id"])


async def subscribe(api: Api, member: Member, plan_id: str) -> None:
    variables = {"i": {"planId": plan_id, "idempotencyKey": f"pay-{member.handle}"}}
    await api.data(SUBSCRIBE, variables, token=member.token)
