"""List arguments shared by every list field."""

from __future__ import annotations

from infra.errors import BadInputError

MAX_FIRST = 100


def check_first(first: int) -> int:
    """`first` must be 1..100 on every list: a hostile page size is refused, not served."""
    if not 1 <= first <= MAX_FIRST:
        raise BadInputError(f"first must be between 1 and {MAX_FIRST}", field="first")
    return first
