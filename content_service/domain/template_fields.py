"""Template fields and the validation of values against one template version: every bad field is named."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    CHOICE = "CHOICE"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def validate_values(specs: Sequence[FieldSpec], values: Mapping[str, str]) -> list[FieldError]:
    """All problems at once, in the template's field order, then unknown names."""
    errors = []
    by_name = {s.name: s for s in specs}
    for spec in specs:
        value = values.get(spec.name)
        if value is None or not value.strip():
            if spec.required:
                errors.append(FieldError(spec.name, "is required"))
            continue
        if spec.max_length is not None and len(value) > spec.max_length:
            errors.append(FieldError(spec.name, f"is longer than {spec.max_length} characters"))
        if spec.type == FieldType.NUMBER and not re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
            errors.append(FieldError(spec.name, "is not a number"))
        if spec.type == FieldType.CHOICE and value not in spec.choices:
            errors.append(FieldError(spec.name, f"must be one of {', '.join(spec.choices)}"))
    for name in values:
        if name not in by_name:
            errors.append(FieldError(name, "is not a field of this template"))
    return errors


def render(pattern: str, values: Mapping[str, str]) -> str:
    """`{name}` placeholders filled with the values; unknown or empty ones become empty text."""
    return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: values.get(m.group(1), ""), pattern).strip()
