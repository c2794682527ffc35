"""Client side of the edge: every caller-supplied id, slug or handle enters a URL path through `segment`.

`quote(..., safe="")` alone is not enough: "." and ".." are resolved away by URL normalisation (so the call
reaches another route), and a "/" escaped as "%2F" is decoded again before routing (so no route matches and the
caller saw INTERNAL). Both are the caller's mistake, so both are BAD_USER_INPUT here, before any request.
"""

from __future__ import annotations

from urllib.parse import quote

from infra.errors import BadInputError


def segment(value: str, *, field: str = "id") -> str:
    """`value` as one escaped URL path segment; empty, ".", ".." or anything with "/" is BAD_USER_INPUT."""
    if not isinstance(value, str) or value in ("", ".", "..") or "/" in value or "\\" in value:
        raise BadInputError(f"{field}: {value!r} is not a valid identifier", field=field)
    return quote(value, safe="")


def community_path(community_id: str) -> str:
    """`/communities/{community_id}`, the prefix of every community-scoped route."""
    return f"/communities/{segment(community_id, field='communityId')}"
