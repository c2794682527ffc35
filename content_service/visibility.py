"""Who may read a piece: readers see PUBLISHED and ARCHIVED content; its author and operators see any status."""

from __future__ import annotations

from content_service.domain.lifecycle import may_read
from infra.errors import NotFoundError
from users_service.client import UsersClient


async def require_readable(
    users: UsersClient,
    community_id: str,
    *,
    content_id: str,
    status: str,
    author_id: str | None,
    viewer_id: str | None,
    field: str = "contentId",
) -> None:
    """Raise NotFound (never Forbidden: its existence is not disclosed) when `viewer_id` may not read the piece.
    No viewer means a trusted service-to-service call."""
    if viewer_id is None or may_read(status, author_id=author_id, viewer_id=viewer_id, is_operator=False):
        return
    viewer = await users.get_member(community_id, viewer_id)
    if may_read(status, author_id=author_id, viewer_id=viewer_id, is_operator="OPERATOR" in viewer.roles):
        return
    raise NotFoundError(f"no content with id {content_id} in this community", field=field)
