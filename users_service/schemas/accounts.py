"""Accounts on the wire: one-time claim and reset codes, and mail to a member (for the other services)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from infra.schemas import ApiInput, ApiModel, Handle, Id
from users_service.schemas.members import MemberRead, Password

__all__ = [
    "ClaimCodeIssue",
    "ClaimCodeIssued",
    "CodeRedemption",
    "Email",
    "MemberMail",
    "MemberMailQueued",
    "ResetRequest",
    "ResetRequested",
]

# Deliberately plain: one @, no spaces, a dot in the domain; the mail itself proves the address.
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
]
Address = Annotated[str, StringConstraints(max_length=64)]


class ClaimCodeIssue(ApiInput):
    """An operator issues a claim code to a member; `email` is where it goes (required when none is on file)."""

    handle: Handle
    email: Email | None = None
    issued_by: Id | None = None


class ClaimCodeIssued(ApiModel):
    member: MemberRead
    # Where the code went, partly hidden (the operator typed it or it was on file).
    sent_to: str
    expires_at: datetime


class CodeRedemption(ApiInput):
    """A member sets a password with a claim or reset code (the purpose is the route's)."""

    handle: Handle
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    password: Password
    # The address the gateway saw: wrong codes are counted per handle and address, like sign-in failures.
    address: Address | None = None


class ResetRequest(ApiInput):
    handle: Handle
    address: Address | None = None


class ResetRequested(ApiModel):
    """Always accepted, whether or not the handle exists or has an address: the answer tells a stranger nothing."""

    accepted: bool = True


class MemberMail(ApiInput):
    """A mail to one member, asked for by another service; `key` makes asking twice send once."""

    key: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")]
    kind: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_.-]+$")]
    subject: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class MemberMailQueued(ApiModel):
    """`queued`: the mail will go out (queued now, or under this key before: `duplicate`); false when the member
    has no address on file (`reason`), and nothing is sent."""

    queued: bool
    duplicate: bool = False
    reason: str | None = None
