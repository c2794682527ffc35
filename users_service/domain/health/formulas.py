"""Small helpers the indicator formulas are written in: every division guards an empty denominator."""

from __future__ import annotations

from collections.abc import Iterable

from users_service.domain.health.model import Figures

WINDOW_DAYS = 30  # the measurement window W: the 30 days before the snapshot
WEEKS_IN_WINDOW = WINDOW_DAYS / 7


def num(f: Figures, name: str) -> float | None:
    return f.get(name)


def total(f: Figures, names: Iterable[str]) -> float | None:
    """The sum of the named figures; None when any is missing."""
    values = [f.get(n) for n in names]
    if any(v is None for v in values):
        return None
    return float(sum(v for v in values if v is not None))


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, rounded to 6 places; None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return round(numerator / denominator, 6)


def per(f: Figures, numerator: str, denominator: str) -> float | None:
    return ratio(f.get(numerator), f.get(denominator))


def scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else round(value * factor, 6)


def minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


PUBLISHED = ("published_pgc", "published_ugc", "published_commercial")
VIEWS = ("opens", "clicks")
INTERACTIONS = ("votes", "bullet_comments", "comments", "answers", "favorites")
DISCUSSION = ("comments", "answers", "bullet_comments")
LAYERS = ("layer_base", "layer_activated", "layer_core")
MEMBER_REVENUE = ("membership_cents", "value_added_cents")
