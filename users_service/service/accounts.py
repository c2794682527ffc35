"""Accounts: operators issue one-time claim codes, members claim imported accounts and reset passwords with them.

A code is mailed, never answered: it is written hashed together with its mail in one transaction (the outbox),
so a code exists exactly when its mail will go out. Redeeming it and setting the password are one transaction
whose condition is "unused and unexpired", so of concurrent redemptions one wins and the rest write nothing.
Wrong codes are counted like sign-in failures, per handle and address, with attempts in flight counted in the
order they arrived: a burst of guesses is checked only up to the limit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from infra.errors import BadInputError, RateLimitedError
from infra.settings import Settings
from users_service.domain import passwords
from users_service.domain.account_codes import CodePurpose, attempts_key, code_hash, new_code
from users_service.domain.mail_texts import code_mail
from users_service.schemas.accounts import (
    ClaimCodeIssue,
    ClaimCodeIssued,
    CodeRedemption,
    ResetRequest,
    ResetRequested,
)
from users_service.schemas.members import MemberRead
from users_service.service.communities import CommunitiesService
from users_service.service.members import GLOBAL_FAILURE_FACTOR, MembersService
from users_service.store import UsersStore
from users_service.store.base import Session

BAD_CODE = "the code is wrong, used or expired"
TOO_MANY_CODES = "too many wrong codes for this handle; try again later"
NO_EMAIL = "this member has no e-mail address on file: give one"


def masked(email: str) -> str:
    """a***@example.org: enough for an operator to recognise the address, not to harvest it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


class AccountsService:
    def __init__(
        self, store: UsersStore, communities: CommunitiesService, members: MembersService, settings: Settings
    ) -> None:
        self.store = store
        self.communities = communities
        self.members = members
        self.ttl = {
            CodePurpose.CLAIM: timedelta(seconds=settings.claim_code_ttl_seconds),
            CodePurpose.RESET: timedelta(seconds=settings.reset_code_ttl_seconds),
        }
        self.max_failures = settings.code_max_failures
        self.reset_window = timedelta(seconds=settings.login_failure_window_seconds)
        self.resets_per_window = settings.reset_requests_per_window

    async def issue_claim_code(self, community_id: ObjectId, issue: ClaimCodeIssue) -> ClaimCodeIssued:
        """An operator's claim code for a member, mailed to `issue.email` (kept as the member's address) or the
        address on file; earlier unused claim codes of the member stop working."""
        member = await self.members.get_by_handle_or_raise(community_id, issue.handle)
        email = issue.email or await self.store.members.get_email(community_id, ObjectId(member.id))
        if not email:
            raise BadInputError(NO_EMAIL, field="email")
        expires_at = await self._issue(
            community_id, member, CodePurpose.CLAIM, email, new_email=issue.email, issued_by=issue.issued_by
        )
        return ClaimCodeIssued(member=member, sent_to=masked(email), expires_at=expires_at)

    async def request_reset(self, community_id: ObjectId, request: ResetRequest) -> ResetRequested:
        """Mail a reset code to the member's address on file. The answer is the same whatever happened (unknown
        handle, no address, too many requests), so it reveals nobody's account."""
        await self.communities.get_or_raise(community_id)
        member = await self.store.members.get_by_handle(community_id, request.handle)
        if member is None:
            return ResetRequested()
        member_id = ObjectId(member.id)
        email = await self.store.members.get_email(community_id, member_id)
        if not email:
            return ResetRequested()
        since = datetime.now(UTC) - self.reset_window
        if await self.store.account_codes.count_issued_since(community_id, member_id, CodePurpose.RESET, since) >= (
            self.resets_per_window
        ):
            return ResetRequested()
        await self._issue(community_id, member, CodePurpose.RESET, email, new_email=None, issued_by=None)
        return ResetRequested()

    async def redeem(self, community_id: ObjectId, purpose: CodePurpose, redemption: CodeRedemption) -> MemberRead:
        """Set the member's password with a code of `purpose`; the member, signed in from now on."""
        await self.communities.get_or_raise(community_id)
        key = attempts_key(redemption.handle)
        failures = self.store.login_failures
        attempt = await failures.reserve(community_id, key, redemption.address)
        if await self._locked_out(community_id, key, redemption.address, attempt):
            await failures.mark_failed(community_id, attempt)
            raise RateLimitedError(TOO_MANY_CODES)
        member = await self.store.members.get_by_handle(community_id, redemption.handle)
        codes, hashed = self.store.account_codes, code_hash(redemption.code)
        now = datetime.now(UTC)
        # A wrong code (or handle) is refused before the password is hashed: guesses cost no argon2.
        if member is None or not await codes.is_live(
            community_id, ObjectId(member.id), purpose, code_hash=hashed, now=now
        ):
            await failures.mark_failed(community_id, attempt)
            raise BadInputError(BAD_CODE, field="code")
        member_id = ObjectId(member.id)
        # Hashed before the transaction (argon2 is slow): the transaction holds the code only for two writes.
        password_hash = await passwords.hash_password(redemption.password)

        async def apply(session: Session) -> bool:
            redeemed = await codes.redeem(community_id, member_id, purpose, code_hash=hashed, now=now, session=session)
            if redeemed:
                await self.store.members.set_password(community_id, member_id, password_hash, at=now, session=session)
            return redeemed

        if not await self.store.transaction(apply):
            await failures.mark_failed(community_id, attempt)
            raise BadInputError(BAD_CODE, field="code")
        await failures.clear(community_id, key)
        # A new password lifts a sign-in lockout on the handle.
        await failures.clear(community_id, redemption.handle)
        return member

    async def _issue(
        self,
        community_id: ObjectId,
        member: MemberRead,
        purpose: CodePurpose,
        email: str,
        *,
        new_email: str | None,
        issued_by: str | None,
    ) -> datetime:
        community = await self.communities.get_or_raise(community_id)
        code = new_code()
        now = datetime.now(UTC)
        expires_at = now + self.ttl[purpose]
        subject, body = code_mail(
            purpose, community=community.name, handle=member.handle, code=code, expires_at=expires_at
        )
        member_id = ObjectId(member.id)

        async def write(session: Session) -> None:
            if new_email:
                await self.store.members.set_email(community_id, member_id, new_email, session=session)
            await self.store.account_codes.issue(
                community_id,
                member_id,
                purpose,
                code_hash=code_hash(code),
                issued_by=issued_by,
                now=now,
                expires_at=expires_at,
                session=session,
            )
            await self.store.mail_outbox.enqueue(
                community_id,
                key=f"code-{uuid.uuid4().hex}",
                to=email,
                subject=subject,
                body=body,
                kind=f"code.{purpose.value.lower()}",
                session=session,
            )

        await self.store.transaction(write)
        return expires_at

    async def _locked_out(self, community_id: ObjectId, key: str, address: str | None, attempt: ObjectId) -> bool:
        """Over the limit counting only attempts that arrived no later than this one (from here, or overall)."""
        failures = self.store.login_failures
        from_here = await failures.count_recent(community_id, key, address=address, up_to=attempt)
        if from_here > self.max_failures:
            return True
        everywhere = await failures.count_recent(community_id, key, all_addresses=True, up_to=attempt)
        return everywhere > self.max_failures * GLOBAL_FAILURE_FACTOR
