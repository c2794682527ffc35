"""LTV rules: gather members' history through other services' clients, train with a time split, predict."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import anyio.to_thread
import numpy as np
from bson import ObjectId

from infra.errors import BadInputError
from users_service.domain import ltv_features as features
from users_service.domain import ltv_model as model
from users_service.domain.jobs import Progress, no_progress
from users_service.schemas.ltv import LtvCalibrationBin, LtvErrors, LtvModelList, LtvModelRead, LtvTrain
from users_service.service.communities import CommunitiesService
from users_service.service.scoring_clock import ScoringClock
from users_service.service.upstreams import Upstreams
from users_service.store.ltv import LtvStore
from users_service.store.members import MembersStore

EMPTY = features.Since(events={}, engagement={}, revenue={}, contents={})


class LtvService:
    def __init__(
        self, store: LtvStore, members: MembersStore, communities: CommunitiesService, upstreams: Upstreams
    ) -> None:
        self.store = store
        self.members = members
        self.communities = communities
        self.upstreams = upstreams
        self.clock = ScoringClock(communities, upstreams)

    async def _since(self, community_id: str, moment: datetime | None, now: datetime) -> features.Since:
        if moment is not None and moment >= now:
            return EMPTY
        up = self.upstreams
        activity, revenue, contents = await asyncio.gather(
            up.distribution.activity_by_member(community_id, since=moment),
            up.billing.revenue_by_member(community_id, since=moment),
            up.content.counts_by_author(community_id, since=moment),
        )
        return features.Since(
            events={m: a.events for m, a in activity.items()},
            engagement={m: a.engagement for m, a in activity.items()},
            revenue=revenue,
            contents={m: sum(kinds.values()) for m, kinds in contents.items()},
        )

    async def train(
        self, cid: ObjectId, train_in: LtvTrain, *, now: datetime | None = None, progress: Progress | None = None
    ) -> LtvModelRead:
        """Fit on the period before last, test on the last one, then refit on the last and predict the next.

        `now` defaults to the scoring clock's moment: an imported history is trained as of its last activity.
        `progress` hears the share done as training passes its phases (a background job's progress).
        """
        report = progress or no_progress
        await self.communities.get_or_raise(cid)
        community_id = str(cid)
        now = now or await self.clock.moment(cid)
        horizon = train_in.horizon_days
        test_cutoff = now - timedelta(days=horizon)
        train_cutoff = test_cutoff - timedelta(days=horizon)
        wanted: set[datetime | None] = {None}
        for cutoff in (train_cutoff, test_cutoff, now):
            wanted.update(features.moments(cutoff, horizon))
        ordered = list(wanted)
        answers = await asyncio.gather(*(self._since(community_id, m, now) for m in ordered))
        since = dict(zip(ordered, answers, strict=True))

        await report(0.4)
        joins = await self.members.list_joins(cid)

        def present(cutoff: datetime) -> tuple[list[ObjectId], list[str], list[datetime]]:
            # Present at a cutoff: joined before it, or active or paying before it (imported histories).
            at, start = since[cutoff], since[None]
            chosen = [
                (oid, joined)
                for oid, joined, _ in joins
                if joined < cutoff
                or start.events.get(str(oid), 0) > at.events.get(str(oid), 0)
                or start.revenue.get(str(oid), 0) > at.revenue.get(str(oid), 0)
            ]
            return [o for o, _ in chosen], [str(o) for o, _ in chosen], [j for _, j in chosen]

        _, train_ids, train_joined = present(train_cutoff)
        _, test_ids, test_joined = present(test_cutoff)
        if len(train_ids) < train_in.min_members or len(test_ids) < train_in.min_members:
            raise BadInputError(
                f"not enough history for a {horizon}-day horizon: {len(train_ids)} members before "
                f"{train_cutoff:%Y-%m-%d} and {len(test_ids)} before {test_cutoff:%Y-%m-%d} "
                f"(need {train_in.min_members} in each); try a shorter horizonDays",
                field="horizonDays",
            )
        x_train = features.matrix(train_ids, train_joined, train_cutoff, since)
        y_train = features.revenue_between(train_ids, since[train_cutoff], since[test_cutoff])
        x_test = features.matrix(test_ids, test_joined, test_cutoff, since)
        y_test = features.revenue_between(test_ids, since[test_cutoff], since[now])
        naive = features.revenue_between(test_ids, since[test_cutoff - timedelta(days=horizon)], since[test_cutoff])
        all_oids = [oid for oid, _, _ in joins]
        x_now = features.matrix([str(o) for o in all_oids], [j for _, j, _ in joins], now, since)

        def fit_and_predict() -> tuple[model.Evaluation, bytes, np.ndarray]:
            evaluated = model.fit(x_train, y_train)
            evaluation = model.evaluate(evaluated, x_test, y_test, naive, float(y_train.mean()))
            deployed = model.fit(x_test, y_test)
            return evaluation, model.dumps(deployed), model.predict(deployed, x_now)

        await report(0.5)
        evaluation, blob, predicted = await anyio.to_thread.run_sync(fit_and_predict)
        await report(0.8)
        note = None
        if float(y_train.sum()) <= 0.0:
            note = "no member paid anything in the training period: the evaluated model is a constant zero"
        version = await self.store.latest_version(cid) + 1
        read = LtvModelRead(
            version=version,
            trained_at=now,
            horizon_days=horizon,
            train_cutoff=train_cutoff,
            test_cutoff=test_cutoff,
            train_members=len(train_ids),
            test_members=len(test_ids),
            features=list(features.FEATURES),
            model=LtvErrors(mae=evaluation.model.mae, rmse=evaluation.model.rmse),
            naive=LtvErrors(mae=evaluation.naive.mae, rmse=evaluation.naive.rmse),
            mean=LtvErrors(mae=evaluation.mean.mae, rmse=evaluation.mean.rmse),
            beats_naive=evaluation.model.mae < evaluation.naive.mae,
            total_ratio=evaluation.total_ratio,
            calibration=[
                LtvCalibrationBin(members=b.members, predicted_mean=b.predicted_mean, actual_mean=b.actual_mean)
                for b in evaluation.calibration
            ],
            predicted_members=len(all_oids),
            note=note,
        )
        await self.store.insert_model(cid, read, blob)
        # Only predictions that changed are written: each write costs about a millisecond on SecantusDB.
        cents = (int(round(float(v))) for v in predicted)
        changed = {oid: c for (oid, _, before), c in zip(joins, cents, strict=True) if c != before}
        await self.members.set_predictions(cid, changed)
        return read

    async def list_models(self, cid: ObjectId, *, limit: int) -> LtvModelList:
        await self.communities.get_or_raise(cid)
        return LtvModelList(models=await self.store.list_models(cid, limit=limit))
