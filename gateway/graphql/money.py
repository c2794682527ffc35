"""One money convention: amounts are integer cents (minor units) named `*Cents`; `*Minor` names stay as aliases.

An input may carry either name while clients move over; both with different values is the caller's mistake.
"""

from __future__ import annotations

from infra.errors import BadInputError


def renamed(field: str) -> str:
    """The deprecation reason of a `*Minor` name: which `*Cents` name replaces it."""
    return f"Use `{field}`: the same integer minor units (cents), named like every other amount."


def cents(given: int | None, legacy: int | None, *, field: str, legacy_field: str) -> int | None:
    """The amount an input gives under either name; BAD_USER_INPUT when both are given and disagree."""
    if given is not None and legacy is not None and given != legacy:
        raise BadInputError(f"{field} and {legacy_field} name the same amount; give one of them", field=field)
    return given if given is not None else legacy
