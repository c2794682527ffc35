"""Members and content named by the ids of the system they were imported from (`--ids source`).

The Stack Exchange importer keeps each record's source id on the platform's document: members
`users.members.source_id = "user:<Id>"`, content `content.content.source_id = "post:<Id>"`, both with
`source = "stackexchange"` and an index on (community_id, source_id). No service route answers "which platform
id has this source id" yet, so this offline tool reads those two collections itself, read-only, through the
owning stores' own finders (`list_member_ids_by_source`, `list_content_ids_by_source`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bson import ObjectId
from pymongo import AsyncMongoClient

from content_service.store import ContentStore
from infra.settings import Settings
from users_service.store import UsersStore

SOURCE = "stackexchange"
MEMBER_PREFIX, CONTENT_PREFIX = "user:", "post:"
CHUNK = 1000


@dataclass(frozen=True)
class IdMap:
    """Source id -> platform id, for members and for content; `names` turns platform content ids back."""

    members: dict[str, str]
    content: dict[str, str]

    @property
    def names(self) -> dict[str, str]:
        return {platform: source for source, platform in self.content.items()}


async def resolve(
    mongo: AsyncMongoClient,
    settings: Settings,
    community_id: str,
    *,
    members: list[str],
    content: list[str],
) -> IdMap:
    cid = ObjectId(community_id)
    users = UsersStore(mongo[settings.database_name("users")])
    items = ContentStore(mongo[settings.database_name("content")])
    found_members: dict[str, str] = {}
    found_content: dict[str, str] = {}
    wanted_members = sorted(set(members))
    wanted_content = sorted(set(content))
    for lo in range(0, len(wanted_members), CHUNK):
        keys = [MEMBER_PREFIX + m for m in wanted_members[lo : lo + CHUNK]]
        for key, oid in (await users.list_member_ids_by_source(cid, SOURCE, keys)).items():
            found_members[key.removeprefix(MEMBER_PREFIX)] = str(oid)
    for lo in range(0, len(wanted_content), CHUNK):
        keys = [CONTENT_PREFIX + c for c in wanted_content[lo : lo + CHUNK]]
        for key, oid in (await items.list_content_ids_by_source(cid, SOURCE, keys)).items():
            found_content[key.removeprefix(CONTENT_PREFIX)] = str(oid)
    return IdMap(found_members, found_content)
