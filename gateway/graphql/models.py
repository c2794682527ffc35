"""Object types that restate a service's wire model field for field come from strawberry's pydantic integration.

Only where the published type adds nothing but ID scalars and a type description: the integration drops field
descriptions, so types that describe a field stay written out. The integration rebuilds the class without the
methods written in it, so conversion is `from_model(Type, read)`, not a `from_read` of the type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

T = TypeVar("T")


def from_model(graphql_type: type[T], read: BaseModel) -> T:
    """`graphql_type.from_pydantic(read)`, typed: strawberry adds the method when it decorates the class."""
    convert: Callable[[BaseModel], T] = graphql_type.from_pydantic  # type: ignore[attr-defined]
    return convert(read)
