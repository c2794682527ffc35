"""The content mix monitor: shares of PGC / UGC / COMMERCIAL against a target, and update frequency."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("PGC", "UGC", "COMMERCIAL")


@dataclass(frozen=True)
class KindShare:
    kind: str
    count: int
    share_percent: float
    target_percent: float
    deviation_points: float
    alert: bool


@dataclass(frozen=True)
class MixReport:
    window_days: int
    total: int
    shares: list[KindShare]
    margin_points: float
    alert: bool
    pieces_per_week: float
    pieces_per_week_target: float
    frequency_alert: bool


def parse_target(text: str) -> dict[str, float]:
    """`"PGC=60,UGC=35,COMMERCIAL=5"` → {kind: percent}; the shares must add up to 100."""
    target: dict[str, float] = {}
    for part in text.split(","):
        kind, _, value = part.partition("=")
        target[kind.strip().upper()] = float(value)
    if set(target) != set(KINDS) or abs(sum(target.values()) - 100.0) > 1e-6:
        raise ValueError(f"a mix target names {', '.join(KINDS)} and adds up to 100")
    return target


def mix_report(
    counts: dict[str, int],
    *,
    target: dict[str, float],
    margin_points: float,
    window_days: int,
    frequency_target: float,
) -> MixReport:
    """A share strays when |share - target| exceeds the margin; an empty window alerts on nothing but frequency."""
    total = sum(counts.get(k, 0) for k in KINDS)
    shares = []
    for kind in KINDS:
        count = counts.get(kind, 0)
        share = round(100.0 * count / total, 2) if total else 0.0
        deviation = round(share - target[kind], 2)
        shares.append(
            KindShare(kind, count, share, target[kind], deviation, bool(total) and abs(deviation) > margin_points)
        )
    per_week = round(total * 7.0 / window_days, 2)
    return MixReport(
        window_days=window_days,
        total=total,
        shares=shares,
        margin_points=margin_points,
        alert=any(s.alert for s in shares),
        pieces_per_week=per_week,
        pieces_per_week_target=frequency_target,
        frequency_alert=per_week < frequency_target,
    )
