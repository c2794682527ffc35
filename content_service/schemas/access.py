"""Who reads, on the wire: every read of content names its viewer, and the paywall decides from it.

The gateway names the caller (`member:<id>`, `partner`, `anonymous`, `admin`); other services name themselves
(`service`). A read that names no one is read as `anonymous`: forgetting the viewer locks, it never unlocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from content_service.domain.access import SEES_ALL, ContentAccess, ViewerKind
from infra.errors import BadInputError
from infra.schemas import object_id

__all__ = [
    "ADMIN_VIEWER",
    "ANONYMOUS_VIEWER",
    "PARTNER_VIEWER",
    "SERVICE_VIEWER",
    "ContentAccess",
    "ViewerKind",
    "ViewerRef",
]


@dataclass(frozen=True)
class ViewerRef:
    kind: ViewerKind
    member_id: str | None = None

    @staticmethod
    def member(member_id: str) -> ViewerRef:
        return ViewerRef(ViewerKind.MEMBER, member_id)

    @property
    def sees_all(self) -> bool:
        return self.kind in SEES_ALL

    def to_wire(self) -> str:
        return f"{self.kind.value}:{self.member_id}" if self.kind == ViewerKind.MEMBER else self.kind.value

    @staticmethod
    def parse(text: str | None) -> ViewerRef:
        """`member:<id>`, `partner`, `anonymous`, `admin` or `service`; absent is `anonymous`."""
        if text is None:
            return ANONYMOUS_VIEWER
        kind, _, member_id = text.partition(":")
        try:
            parsed = ViewerKind(kind)
        except ValueError as exc:
            raise BadInputError(f"viewer: unknown kind {kind}", field="viewer") from exc
        if parsed == ViewerKind.MEMBER:
            return ViewerRef.member(str(object_id(member_id, field="viewer")))
        if member_id:
            raise BadInputError(f"viewer: {kind} names no member", field="viewer")
        return ViewerRef(parsed)


ANONYMOUS_VIEWER = ViewerRef(ViewerKind.ANONYMOUS)
PARTNER_VIEWER = ViewerRef(ViewerKind.PARTNER)
ADMIN_VIEWER = ViewerRef(ViewerKind.ADMIN)
SERVICE_VIEWER = ViewerRef(ViewerKind.SERVICE)
