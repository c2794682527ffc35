"""Health indicators: compute a snapshot (daily and on demand), read each indicator against its community's
targets with its 7- and 28-day change, let operators move targets, and open or resolve breach alerts.

A status is judged at read time against the thresholds in force, so a changed target shows at once; alerts are
judged when a snapshot is computed.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from content_service.schemas import HealthBreachCreate
from infra.errors import BadInputError, NotFoundError
from infra.logging import get_logger
from users_service.domain.health.catalog import BY_KEY, CATALOG, OPENS_INCIDENT, at_level, compute_all
from users_service.domain.health.model import HealthStatus, Indicator, IndicatorLevel, Thresholds
from users_service.domain.health.status import change, status_of
from users_service.schemas.health import (
    AlertList,
    AlertRead,
    BreakdownRead,
    BreakdownSegment,
    HealthHistoryPoint,
    IndicatorDetail,
    IndicatorList,
    IndicatorRead,
    TargetUpdate,
)
from users_service.service.communities import CommunitiesService
from users_service.service.health_breakdowns import HealthBreakdownsService
from users_service.service.health_figures import HealthFiguresService
from users_service.service.upstreams import Upstreams
from users_service.store.health import HealthStore

log = get_logger(__name__)
TREND_DAYS = (7, 28)


class HealthIndicatorNotFound(NotFoundError):
    """No health indicator with this key."""


def indicator_or_raise(key: str, *, field: str = "key") -> Indicator:
    indicator = BY_KEY.get(key)
    if indicator is None:
        raise HealthIndicatorNotFound(f"no health indicator with key {key!r}", field=field)
    return indicator


def _thresholds(indicator: Indicator, targets: dict[str, Any]) -> Thresholds:
    set_ = targets.get(indicator.key)
    if not set_:
        return indicator.defaults
    return Thresholds(float(set_["target"]), float(set_["warn"]), float(set_["critical"]))


def _opens_incident(indicator: Indicator, targets: dict[str, Any]) -> bool:
    set_ = targets.get(indicator.key) or {}
    return bool(set_.get("opens_incident", indicator.key in OPENS_INCIDENT))


def _breakdowns(indicator: Indicator, thresholds: Thresholds, snapshot: dict[str, Any] | None) -> list[BreakdownRead]:
    stored = (snapshot or {}).get("breakdowns", {}).get(indicator.key, {})
    return [
        BreakdownRead(
            dimension=dimension,
            segments=[
                BreakdownSegment(
                    segment=row["segment"],
                    value=row["value"],
                    status=status_of(row["value"], thresholds, indicator.direction),
                    members=row["members"],
                )
                for row in rows
            ],
        )
        for dimension, rows in stored.items()
    ]


def _read(
    indicator: Indicator,
    thresholds: Thresholds,
    snapshots: list[dict[str, Any] | None],
    targets: dict[str, Any],
) -> IndicatorRead:
    latest, *earlier = snapshots
    value = latest["values"].get(indicator.key) if latest else None
    before = [s["values"].get(indicator.key) if s else None for s in earlier]
    return IndicatorRead(
        key=indicator.key,
        name=indicator.name,
        level=indicator.level,
        dimension=indicator.dimension,
        parent=indicator.parent,
        unit=indicator.unit,
        direction=indicator.direction,
        definition=indicator.definition,
        basis=indicator.basis,
        value=value,
        target=thresholds.target,
        warn=thresholds.warn,
        critical=thresholds.critical,
        status=status_of(value, thresholds, indicator.direction),
        change_7d=change(value, before[0]) if before else None,
        change_28d=change(value, before[1]) if len(before) > 1 else None,
        computed_at=latest["computed_at"] if latest else None,
        opens_incident=_opens_incident(indicator, targets),
    )


def _alert(doc: dict[str, Any]) -> AlertRead:
    return AlertRead(
        id=str(doc["_id"]),
        key=doc["key"],
        severity=doc["severity"],
        status=doc["status"],
        value=doc["value"],
        threshold=doc["threshold"],
        opened_at=doc["opened_at"],
        updated_at=doc["updated_at"],
        resolved_at=doc.get("resolved_at"),
        incident_id=doc.get("incident_id"),
    )


class HealthService:
    def __init__(
        self,
        store: HealthStore,
        communities: CommunitiesService,
        figures: HealthFiguresService,
        breakdowns: HealthBreakdownsService,
        upstreams: Upstreams,
    ) -> None:
        self.store = store
        self.communities = communities
        self.figures = figures
        self.breakdowns = breakdowns
        self.upstreams = upstreams

    async def indicators(self, cid: ObjectId, level: IndicatorLevel) -> IndicatorList:
        """Every indicator of the level, NO_DATA before the first snapshot."""
        await self.communities.get_or_raise(cid)
        snapshots = await self._snapshots(cid)
        targets = await self.store.get_targets(cid)
        return IndicatorList(
            computed_at=snapshots[0]["computed_at"] if snapshots[0] else None,
            indicators=[_read(i, _thresholds(i, targets), snapshots, targets) for i in at_level(level)],
        )

    async def indicator(self, cid: ObjectId, key: str, *, limit: int) -> IndicatorDetail:
        indicator = indicator_or_raise(key)
        await self.communities.get_or_raise(cid)
        targets = await self.store.get_targets(cid)
        thresholds = _thresholds(indicator, targets)
        history = await self.store.list_history(cid, key, limit=limit)
        snapshots = await self._snapshots(cid)
        return IndicatorDetail(
            indicator=_read(indicator, thresholds, snapshots, targets),
            breakdowns=_breakdowns(indicator, thresholds, snapshots[0]),
            history=[
                HealthHistoryPoint(
                    at=doc["computed_at"],
                    value=(value := doc.get("values", {}).get(key)),
                    status=status_of(value, thresholds, indicator.direction),
                )
                for doc in history
            ],
        )

    async def set_target(self, cid: ObjectId, update: TargetUpdate) -> IndicatorRead:
        indicator = indicator_or_raise(update.key)
        await self.communities.get_or_raise(cid)
        thresholds = Thresholds(update.target, update.warn, update.critical)
        misplaced = thresholds.misplaced(indicator.direction)
        if misplaced is not None:
            better = indicator.direction.value.lower()
            raise BadInputError(
                f"{misplaced} is out of order: for {indicator.key} {better} values are better, so the lines must run "
                "target, warn, critical from good to bad",
                field=misplaced,
            )
        targets = await self.store.get_targets(cid)
        lines: dict[str, Any] = {"target": thresholds.target, "warn": thresholds.warn, "critical": thresholds.critical}
        opens = update.opens_incident
        if opens is None:
            opens = (targets.get(indicator.key) or {}).get("opens_incident")
        if opens is not None:
            lines["opens_incident"] = opens
        await self.store.set_target(cid, indicator.key, lines, datetime.now(UTC))
        targets[indicator.key] = lines
        return _read(indicator, thresholds, await self._snapshots(cid), targets)

    async def compute(self, cid: ObjectId, *, now: datetime | None = None) -> IndicatorList:
        """A snapshot of every indicator now; breaches open (or update) alerts, recoveries resolve them."""
        await self.communities.get_or_raise(cid)
        now = now or datetime.now(UTC)
        figures, breakdowns = await asyncio.gather(self.figures.figures(cid, now), self.breakdowns.breakdowns(cid, now))
        values = compute_all(figures)
        await self.store.insert_snapshot(
            {"community_id": cid, "computed_at": now, "values": values, "figures": figures, "breakdowns": breakdowns}
        )
        await self._judge(cid, values, now)
        return await self.indicators(cid, IndicatorLevel.PRIMARY)

    async def snapshot_all(self) -> int:
        """The daily job: a snapshot of every community; one failing community does not stop the others."""
        done = 0
        for cid in await self.communities.list_ids():
            try:
                await self.compute(cid)
                done += 1
            except Exception:  # noqa: BLE001 - one community's failure must not skip the rest
                log.exception("health_snapshot_failed", community_id=str(cid))
        return done

    async def alerts(self, cid: ObjectId, status: str | None, *, limit: int) -> AlertList:
        await self.communities.get_or_raise(cid)
        return AlertList(alerts=[_alert(d) for d in await self.store.list_alerts(cid, status, limit=limit)])

    async def _judge(self, cid: ObjectId, values: dict[str, float | None], now: datetime) -> None:
        targets = await self.store.get_targets(cid)
        recovered = []
        for indicator in CATALOG:
            value = values[indicator.key]
            thresholds = _thresholds(indicator, targets)
            status = status_of(value, thresholds, indicator.direction)
            if status is HealthStatus.OK:
                recovered.append(indicator.key)
            elif status in (HealthStatus.WARN, HealthStatus.CRITICAL):
                line = thresholds.critical if status is HealthStatus.CRITICAL else thresholds.warn
                fields = {"severity": status.value, "value": value, "threshold": line, "level": indicator.level.value}
                alert = await self.store.open_alert(cid, indicator.key, fields, now)
                critical = status is HealthStatus.CRITICAL
                if critical and not alert.get("incident_id") and _opens_incident(indicator, targets):
                    await self._open_incident(cid, alert)
        if recovered:
            await self.store.resolve_alerts(cid, recovered, now)

    async def _open_incident(self, cid: ObjectId, alert: dict[str, Any]) -> None:
        """Once per breach: the alert keeps the incident's id, so a later snapshot still CRITICAL asks nothing; a
        failed call leaves it unlinked and the next snapshot asks again (content_service answers by alert id)."""
        breach = HealthBreachCreate(
            alert_id=str(alert["_id"]), key=alert["key"], value=alert["value"], threshold=alert["threshold"]
        )
        try:
            incident = await self.upstreams.content.open_health_incident(str(cid), breach)
        except Exception:  # noqa: BLE001 - the snapshot and its alerts stand without the incident
            log.exception("health_incident_failed", community_id=str(cid), key=alert["key"])
            return
        await self.store.link_incident(cid, alert["_id"], incident.id)

    async def _snapshots(self, cid: ObjectId) -> list[dict[str, Any] | None]:
        """The latest snapshot, then the newest at least 7 and 28 days older than it (None where there is none)."""
        latest = await self.store.latest_snapshot(cid)
        if latest is None:
            return [None]
        at = latest["computed_at"]
        earlier = [await self.store.snapshot_at_or_before(cid, at - timedelta(days=d)) for d in TREND_DAYS]
        return [latest, *earlier]
