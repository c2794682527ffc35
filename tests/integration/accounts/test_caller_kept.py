"""The member behind each request is kept by users_service's process while their community's change stamp is
unchanged, read at most every MEMBER_READ_TTL_SECONDS (its documented staleness): a role granted or revoked through
the service applies to the very next request, through another process once this one reads the stamp again; a change
written behind the service's back (no stamp) reaches requests after the kept member's maximum age and not before
(the cache is real). The clocks are moved instead of sleeping."""

from __future__ import annotations

import asyncio

from bson import ObjectId

from infra.kept_docs import KeptDocs
from tests.factories import Api, Member, create_community, grant, register
from users_service.domain.roles import Role
from users_service.store.members import MembersStore

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


def members_store(api: Api) -> MembersStore:
    assert api.app is not None
    store: MembersStore = api.app.state.services.apps["users"].state.service.members.store
    return store


def kept_members(api: Api, *, check: float = 0.0) -> tuple[KeptDocs, Clock]:
    """The service's kept members at the maximum age AGE, the stamp read at most every `check` seconds."""
    store = members_store(api)
    clock = Clock()
    store.kept.ttl_seconds = AGE
    store.kept.clock = clock
    store.stamps.check_seconds = check
    store.stamps.clock = clock
    return store.kept, clock


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


async def test_a_kept_caller_answers_past_the_stamp_check_while_the_community_is_unchanged(api: Api) -> None:
    """No member read per request once kept: the stamp is read again every `check` seconds, the member is not."""
    await create_community(api, "demo")
    ann = await register(api, "demo", "ann")
    _, clock = kept_members(api, check=2.0)
    store = members_store(api)
    assert await roles(api, ann) == ["MEMBER"]
    # when: changed where no stamp sees it, then well past the stamp's check (not past the kept member's age)
    await store.members.update_one({"_id": ObjectId(ann.id)}, {"$set": {"roles": ["MEMBER", "EXPERT"]}})
    reads = store.stamps.reads
    clock.now += AGE / 2
    kept = await roles(api, ann)
    # then
    assert kept == ["MEMBER"]
    assert store.stamps.reads == reads + 1


async def test_a_role_changed_through_another_process_applies_once_the_stamp_is_read_again(api: Api) -> None:
    cid = await create_community(api, "demo")
    olga = await register(api, "demo", "olga")
    _, clock = kept_members(api, check=2.0)
    assert await roles(api, olga) == ["MEMBER"]
    # when: another process of users_service (its own store on the same database) grants a role
    other = MembersStore(members_store(api).members.database)
    other.keep_callers(2.0)
    await other.set_roles(ObjectId(cid), ObjectId(olga.id), [Role.MEMBER.value, Role.EXPERT.value])
    within = await roles(api, olga)
    clock.now += 2.0
    after = await roles(api, olga)
    # then: as old as MEMBER_READ_TTL_SECONDS at most, as before the stamp
    assert (within, after) == (["MEMBER"], ["EXPERT", "MEMBER"])


async def test_a_failed_member_write_still_replaces_the_stamp(api: Api) -> None:
    """A write that raised may have landed: the other processes read their kept members again."""
    cid = await create_community(api, "demo")
    await register(api, "demo", "ann")
    store = members_store(api)
    before = await store.stamps.stamps.find_one({"_id": ObjectId(cid)})
    # when
    try:
        async with store._updating(ObjectId(cid)):
            raise RuntimeError("the write's connection broke")
    except RuntimeError:
        pass
    # then
    after = await store.stamps.stamps.find_one({"_id": ObjectId(cid)})
    assert after is not None
    assert before is None or before["stamp"] != after["stamp"]


async def test_concurrent_requests_share_one_stamp_read(api: Api) -> None:
    cid = ObjectId(await create_community(api, "demo"))
    kept_members(api, check=2.0)
    stamps = members_store(api).stamps
    reads = stamps.reads
    # when
    found = await asyncio.gather(*(stamps.current(cid) for _ in range(8)))
    again = await stamps.current(cid)
    # then
    assert stamps.reads == reads + 1
    assert set(found) == {again}
