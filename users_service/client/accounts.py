"""Account, mail, directory and profile calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.accounts import (
    ClaimCodeIssue,
    ClaimCodeIssued,
    CodeRedemption,
    MemberMail,
    MemberMailQueued,
    ResetRequest,
    ResetRequested,
)
from users_service.schemas.members import MemberDirectoryQuery, MemberPage, MemberRead, PublicProfile


def _accounts(community_id: str) -> str:
    return f"{community_path(community_id)}/accounts"


class AccountsClientMixin(ServiceClient):
    async def issue_claim_code(self, community_id: str, issue: ClaimCodeIssue) -> ClaimCodeIssued:
        """Mail a one-time claim code to the member (the gateway has checked the operator)."""
        body = await self._call("POST", f"{_accounts(community_id)}/claim-codes", json=issue.to_wire())
        return ClaimCodeIssued.model_validate(body)

    async def claim_account(self, community_id: str, redemption: CodeRedemption) -> MemberRead:
        body = await self._call("POST", f"{_accounts(community_id)}/claim", json=redemption.to_wire())
        return MemberRead.model_validate(body)

    async def request_password_reset(self, community_id: str, request: ResetRequest) -> ResetRequested:
        body = await self._call("POST", f"{_accounts(community_id)}/reset-requests", json=request.to_wire())
        return ResetRequested.model_validate(body)

    async def reset_password(self, community_id: str, redemption: CodeRedemption) -> MemberRead:
        body = await self._call("POST", f"{_accounts(community_id)}/reset", json=redemption.to_wire())
        return MemberRead.model_validate(body)

    async def mail_member(self, community_id: str, member_id: str, mail: MemberMail) -> MemberMailQueued:
        """Queue a mail to a member's address on file; the same `mail.key` twice queues it once."""
        path = f"{community_path(community_id)}/mail/members/{segment(member_id, field='memberId')}"
        return MemberMailQueued.model_validate(await self._call("POST", path, json=mail.to_wire()))

    async def member_directory(self, community_id: str, query: MemberDirectoryQuery) -> MemberPage:
        body = await self._call("POST", f"{community_path(community_id)}/directory", json=query.to_wire())
        return MemberPage.model_validate(body)

    async def public_profile(self, community_id: str, handle: str) -> PublicProfile:
        path = f"{community_path(community_id)}/profiles/{segment(handle, field='handle')}"
        return PublicProfile.model_validate(await self._call("GET", path))
