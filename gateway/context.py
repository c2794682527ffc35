"""What every resolver sees: the caller, the service clients and this request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from composition.topology import Topology
from content_service.schemas import ADMIN_VIEWER, ANONYMOUS_VIEWER, PARTNER_VIEWER, ViewerRef
from gateway.auth import TokenIssuer, Viewer
from gateway.dataloaders import Loaders
from gateway.limits import RateLimiter
from gateway.partners.keys import ApiKeyResolver
from infra.errors import BadInputError, ForbiddenError, UnauthenticatedError
from infra.settings import Settings
from users_service.schemas import MemberRead, Role


def is_operator(member: MemberRead) -> bool:
    """The one reading of the OPERATOR role in the gateway."""
    return Role.OPERATOR in member.roles


@dataclass(frozen=True)
class Operator:
    """Who passed the operator check: `member` is None for the platform admin key."""

    community_id: str
    member: MemberRead | None

    @property
    def actor(self) -> MemberRead:
        """The operating member, for writes audited under a member's name (checked with `as_member=True`)."""
        if self.member is None:
            raise ForbiddenError("this operation needs an operator's member token, not the admin key")
        return self.member


@dataclass
class GatewayContext:
    request: Request
    response: Response | None
    settings: Settings
    services: Topology
    viewer: Viewer
    issuer: TokenIssuer
    limiter: RateLimiter
    keys: ApiKeyResolver | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.services.users, self.services.content, self.services.billing, self.content_viewer)

    @property
    def content_viewer(self) -> ViewerRef:
        """Who reads content, as content_service's paywall needs to know: the caller's identity only (what they
        may read is content_service's decision). A partner key reads as a partner, not as its creator."""
        if self.viewer.is_admin:
            return ADMIN_VIEWER
        if self.viewer.api_key is not None:
            return PARTNER_VIEWER
        if self.viewer.member_id and not self.viewer.auth_error:
            return ViewerRef.member(self.viewer.member_id)
        return ANONYMOUS_VIEWER

    @property
    def address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    def _refuse_bad_credentials(self) -> None:
        if self.viewer.auth_error:
            raise UnauthenticatedError(self.viewer.auth_error)

    async def require_member(self) -> MemberRead:
        """The calling member, loaded fresh so that granted and revoked roles apply to existing tokens.

        A partner key (past its scope check) acts in the name of the operator who created it, when that member
        belongs to the key's community.
        """
        self._refuse_bad_credentials()
        if self.viewer.api_key is not None:
            return await self._key_member()
        if not self.viewer.member_id or not self.viewer.community_id:
            raise UnauthenticatedError("sign in as a member: Authorization: Bearer <token>")
        member = await self.loaders.caller_by_id.load((self.viewer.community_id, self.viewer.member_id))
        if member is None:
            raise UnauthenticatedError("the member this token names no longer exists")
        return member

    async def _key_member(self) -> MemberRead:
        key = self.viewer.api_key
        assert key is not None
        member = None
        if key.created_by:
            member = await self.loaders.member_by_id.load((key.community_id, key.created_by))
        if member is None:
            raise ForbiddenError(
                "this operation acts in a member's name; an API key does so only for the operator of its own "
                "community who created it"
            )
        return member

    def _key_community(self, community_id: str | None) -> str | None:
        """The partner key's community (refusing any other), or None when the caller holds no key."""
        key = self.viewer.api_key
        if key is None:
            return None
        if community_id and community_id != key.community_id:
            raise ForbiddenError("an API key acts on its own community only", field="communityId")
        return key.community_id

    def require_admin(self) -> None:
        self._refuse_bad_credentials()
        if not self.viewer.is_admin:
            raise ForbiddenError("this operation needs the platform admin key (X-API-Key)")

    async def require_operator(self, community_id: str | None = None, *, as_member: bool = False) -> Operator:
        """The one operator check of the platform: services trust the gateway and do not check again.

        The admin key acts on any community (it must name one); a member token needs the OPERATOR role and acts
        on its own community only. `as_member` refuses the admin key where the write is audited under a member.
        """
        self._refuse_bad_credentials()
        key_community = self._key_community(community_id)
        if key_community is not None and not as_member:
            return Operator(community_id=key_community, member=None)
        if self.viewer.is_admin and not as_member:
            if not community_id:
                raise BadInputError("communityId is required with the admin key", field="communityId")
            return Operator(community_id=community_id, member=None)
        member = await self.require_member()
        if not is_operator(member):
            raise ForbiddenError("this operation needs the OPERATOR role")
        if community_id and community_id != member.community_id:
            raise ForbiddenError("an operator acts on their own community only", field="communityId")
        return Operator(community_id=member.community_id, member=member)

    async def member_or_operator(self, community_id: str | None) -> tuple[str, str | None]:
        """(community, member id): operators and the admin key act on anything of the community (member id
        None); any other member on their own only."""
        if self.viewer.is_admin or self.viewer.api_key is not None:
            return (await self.require_operator(community_id)).community_id, None
        member = await self.require_member()
        if community_id and community_id != member.community_id:
            raise ForbiddenError("members act in their own community only", field="communityId")
        return member.community_id, None if is_operator(member) else member.id

    async def reader_community(self, community_id: str | None) -> str:
        """The community a read is scoped to: the member's own, or any for the admin key."""
        if self.viewer.is_admin and community_id:
            return community_id
        key_community = self._key_community(community_id)
        if key_community is not None:
            return key_community
        member = await self.require_member()
        if community_id and community_id != member.community_id:
            raise ForbiddenError("members read their own community only", field="communityId")
        return member.community_id


Info = StrawberryInfo[GatewayContext, None]
