"""Roles a member can hold in a community."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class Role(StrEnum):
    MEMBER = "MEMBER"
    EXPERT = "EXPERT"
    OPERATOR = "OPERATOR"


def with_role(roles: Sequence[str], role: Role) -> list[str]:
    """Roles after a grant, MEMBER always first and no duplicates."""
    return _ordered({*roles, Role.MEMBER, role})


def without_role(roles: Sequence[str], role: Role) -> list[str]:
    """Roles after a revoke; MEMBER itself cannot be revoked."""
    return _ordered({r for r in roles if r != role or role == Role.MEMBER} | {Role.MEMBER})


def _ordered(roles: set[str]) -> list[str]:
    order = list(Role)
    return sorted(roles, key=lambda r: order.index(Role(r)))
