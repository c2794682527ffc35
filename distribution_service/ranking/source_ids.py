"""Members and content named by the ids of the system they were imported from (`--ids source`).

The Stack Exchange importer keeps each record's source id on the platform's document (members `user:<Id>`,
content `post:<Id>`, with `source = "stackexchange"`); users_service and content_service answer "which platform
id has this source id" through their clients, so this tool never opens their databases.
"""

from __future__ import annotations

from dataclasses import dataclass

from content_service.client import ContentClient
from users_service.client import UsersClient

SOURCE = "stackexchange"
MEMBER_PREFIX, CONTENT_PREFIX = "user:", "post:"
# The routes' batch limit.
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
    users: UsersClient,
    content: ContentClient,
    community_id: str,
    *,
    members: list[str],
    items: list[str],
) -> IdMap:
    found_members: dict[str, str] = {}
    found_content: dict[str, str] = {}
    wanted_members = sorted(set(members))
    wanted_content = sorted(set(items))
    for lo in range(0, len(wanted_members), CHUNK):
        keys = [MEMBER_PREFIX + m for m in wanted_members[lo : lo + CHUNK]]
        for key, member_id in (await users.member_ids_by_source(community_id, SOURCE, keys)).items():
            found_members[key.removeprefix(MEMBER_PREFIX)] = member_id
    for lo in range(0, len(wanted_content), CHUNK):
        keys = [CONTENT_PREFIX + c for c in wanted_content[lo : lo + CHUNK]]
        for key, content_id in (await content.content_ids_by_source(community_id, SOURCE, keys)).items():
            found_content[key.removeprefix(CONTENT_PREFIX)] = content_id
    return IdMap(found_members, found_content)
