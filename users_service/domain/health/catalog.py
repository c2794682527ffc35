"""The whole catalogue, in display order (primary first, by dimension), and what it computes from figures."""

from __future__ import annotations

from users_service.domain.health import commerce, community, content, members
from users_service.domain.health.model import Figures, Indicator, IndicatorLevel

CATALOG: tuple[Indicator, ...] = tuple(
    sorted(
        (*members.INDICATORS, *content.INDICATORS, *commerce.INDICATORS, *community.INDICATORS),
        key=lambda i: i.level is not IndicatorLevel.PRIMARY,
    )
)
BY_KEY: dict[str, Indicator] = {i.key: i for i in CATALOG}


def at_level(level: IndicatorLevel) -> list[Indicator]:
    return [i for i in CATALOG if i.level is level]


def compute_all(figures: Figures) -> dict[str, float | None]:
    """Every indicator's value from one set of figures; a missing figure leaves its indicators at None."""
    return {i.key: i.compute(figures) for i in CATALOG}
