"""The member behind each request is kept by users_service's process for MEMBER_READ_TTL_SECONDS (its documented
staleness): a change written behind the service's back reaches requests after that age and not before (the cache
is real); a role granted or revoked through the service applies to the very next request. The cache's clock is
moved instead of sleeping."""

from __future__ import annotations

from bson import ObjectId

from infra.kept_docs import KeptDocs
from tests.factories import Api, Member, create_community, grant, register

AGE = 60.0
ME = "{ me { id roles tier } }"
REVOKE = "mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { roles } }"
# An operator-only read: refused (FORBIDDEN) for a member without the role.
OPERATOR_ONLY = "{ contentSettings { previewChars } }"


class Clock:
    """Monotonic seconds that move a little on every reading and jump when the test says."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


def kept_members(api: Api) -> tuple[KeptDocs, Clock]:
    assert api.app is not None
    kept: KeptDocs = api.app.state.services.apps["users"].state.service.members.store.kept
    clock = Clock()
    kept.ttl_seconds = AGE
    kept.clock = clock
    return kept, clock


async def roles(api: Api, member: Member) -> list[str]:
    found: list[str] = (await api.data(ME, token=member.token))["me"]["roles"]
    return sorted(found)


async def test_a_kept_caller_answers_within_its_age_and_is_read_again_after(api: Api) -> None:
    await create_community(api, "demo")
    ann = await register(api, "demo", "ann")
    _, clock = kept_members(api)
    assert await roles(api, ann) == ["MEMBER"]
    # when: the stored member changes where the service cannot see it
    assert api.app is not None
    members = api.app.state.services.apps["users"].state.service.members.store.members
    await members.update_one({"_id": ObjectId(ann.id)}, {"$set": {"roles": ["MEMBER", "EXPERT"]}})
    kept = await roles(api, ann)
    clock.now += AGE
    aged = await roles(api, ann)
    # then
    assert (kept, aged) == (["MEMBER"], ["EXPERT", "MEMBER"])


async def test_a_role_granted_and_revoked_through_the_service_applies_at_once(api: Api) -> None:
    cid = await create_community(api, "demo")
    olga = await register(api, "demo", "olga")
    kept_members(api)
    assert await api.error_code(OPERATOR_ONLY, token=olga.token) == "FORBIDDEN"
    # when
    await grant(api, cid, "olga", "OPERATOR")
    granted = await api.data(OPERATOR_ONLY, token=olga.token)
    await api.data(REVOKE, {"input": {"communityId": cid, "handle": "olga", "role": "OPERATOR"}}, admin=True)
    # then
    assert granted["contentSettings"]["previewChars"] > 0
    assert await api.error_code(OPERATOR_ONLY, token=olga.token) == "FORBIDDEN"


async def test_other_member_reads_are_never_kept(api: Api) -> None:
    """Only the caller's own read may be old: another member's profile (an author's) is read as stored."""
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    kept_members(api)
    await roles(api, bob)  # bob's own request keeps bob
    assert api.app is not None
    users = api.app.state.services.users
    community = await community_of(api)
    (before,) = await users.lookup_members(community, [bob.id])
    members = api.app.state.services.apps["users"].state.service.members.store.members
    await members.update_one({"_id": ObjectId(bob.id)}, {"$set": {"display_name": "Robert"}})
    (after,) = await users.lookup_members(community, [bob.id])
    assert before is not None
    assert after is not None
    assert (before.display_name, after.display_name) == ("Bob", "Robert")


async def community_of(api: Api) -> str:
    assert api.app is not None
    found: str = (await api.app.state.services.users.get_community_by_slug("demo")).id
    return found
