"""Service side of the edge: path parameters parsed and validated once, in the route, never again below it.

Routes call these and hand typed values (`ObjectId`, a checked slug or handle) to the service layer; a malformed
value is BAD_USER_INPUT naming the parameter, never a stack trace, INTERNAL or a lookup of something else.
"""

from __future__ import annotations

from bson import ObjectId
from starlette.requests import Request

from infra.errors import BadInputError
from infra.schemas import object_id


def community_id(request: Request) -> ObjectId:
    """The `{community_id}` of a community-scoped route."""
    return object_id(request.path_params["community_id"], field="communityId")


def path_id(request: Request, name: str, *, field: str | None = None) -> ObjectId:
    """An id-valued path parameter (`{member_id}`, `{content_id}`, ...) as an ObjectId."""
    return object_id(request.path_params[name], field=field or _camel(name))


def path_text(request: Request, name: str, *, field: str | None = None, max_length: int = 200) -> str:
    """A free-text path parameter (slug, handle, key): non-empty, bounded, no path syntax."""
    value = request.path_params[name]
    if not isinstance(value, str) or value in ("", ".", "..") or "/" in value or len(value) > max_length:
        label = field or _camel(name)
        raise BadInputError(f"{label}: {value!r} is not a valid identifier", field=label)
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
