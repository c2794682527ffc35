"""The small demo community that `make run` seeds once, through the services' own clients.

`SEED_DEMO=false` turns off every demo seeding: this community and the background import of the shared dump.
"""

from __future__ import annotations

from dataclasses import dataclass

from billing_service.schemas import PlanCreate
from composition.communities import get_or_create_community
from composition.topology import Topology
from content_service.schemas import ContentCreate
from infra.errors import NotFoundError
from infra.settings import Settings
from users_service.schemas import CommunityCreate, MemberCreate, MemberRead, RoleChange

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-password"

MEMBERS = [
    ("alice", "Alice (operator)", "OPERATOR"),
    ("erin", "Erin (expert)", "EXPERT"),
    ("bob", "Bob", None),
]
CONTENT = [
    ("erin", "PGC", "Reading a balance sheet in ten minutes", ["finance", "basics"]),
    ("erin", "PGC", "How to choose your first index fund", ["finance", "investing"]),
    ("bob", "UGC", "My notes from the 21-day growth plan", ["growth", "notes"]),
    ("bob", "UGC", "Three questions to ask before you buy a course", ["decisions"]),
    ("alice", "COMMERCIAL", "Members' week: 30% off the annual plan", ["offer"]),
]


def demo_enabled(settings: Settings) -> bool:
    """Whether a process may seed demo data: SEED_DEMO is on and this is not production."""
    return settings.seed_demo and not settings.is_production


@dataclass(frozen=True)
class Demo:
    community_id: str
    slug: str
    operator: MemberRead
    member: MemberRead


async def _member(services: Topology, community_id: str, handle: str, name: str) -> MemberRead:
    try:
        return await services.users.get_member_by_handle(community_id, handle)
    except NotFoundError:
        member_in = MemberCreate(handle=handle, display_name=name, password=DEMO_PASSWORD)
        return await services.users.register_member(community_id, member_in)


async def seed_demo(services: Topology) -> Demo:
    """Create the demo community once; running it again changes nothing."""
    community_in = CommunityCreate(slug=DEMO_SLUG, name="Demo Knowledge Club", timezone="Asia/Shanghai")
    community, fresh = await get_or_create_community(services.users, community_in)
    members: dict[str, MemberRead] = {}
    for handle, name, role in MEMBERS:
        members[handle] = await _member(services, community.id, handle, name)
        if role and role not in members[handle].roles:
            members[handle] = await services.users.grant_role(community.id, RoleChange(handle=handle, role=role))
    if fresh or not await services.billing.list_plans(community.id):
        await services.billing.create_plan(
            community.id, PlanCreate(name="Gold", price_cents=2900, currency="CNY", interval="MONTH")
        )
        await services.billing.create_plan(
            community.id,
            PlanCreate(name="Growth camp", price_cents=29900, currency="CNY", interval="YEAR", trial_days=7),
        )
    if not await services.content.candidates(community.id, limit=1):
        for author, kind, title, tags in CONTENT:
            content_in = ContentCreate(
                author_id=members[author].id, title=title, body=f"{title}.\n\nA demo piece.", kind=kind, tags=tags
            )
            await services.content.publish(community.id, content_in)
    return Demo(community_id=community.id, slug=community.slug, operator=members["alice"], member=members["bob"])
