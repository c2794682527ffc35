"""Designing and steering experiments: create (arms, targeting, layer, guardrails, the pre-registered sample),
start, ramp the rollout, stop. A registered LightGBM model version can be an arm's ranker."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from distribution_service.domain.assignment import check_weights, free_layer_range
from distribution_service.domain.experiment_enums import ExperimentKind, ExperimentStatus
from distribution_service.schemas.experiments import (
    ExperimentCreate,
    ExperimentList,
    ExperimentRead,
    RolloutUpdate,
    WeightsUpdate,
)
from distribution_service.service.experiment_docs import ExperimentNotFound, experiment_read
from distribution_service.store import DistributionStore, Doc
from infra.errors import BadInputError, ConflictError

HEURISTIC = "heuristic"
# Experiments that hold a range of their layer: a finished or rolled-back one gives it back.
HOLDS_LAYER = (ExperimentStatus.DRAFT.value, ExperimentStatus.RUNNING.value, ExperimentStatus.STOPPED.value)


class ExperimentDesignService:
    def __init__(self, store: DistributionStore) -> None:
        self.store = store

    async def create(self, cid: ObjectId, spec: ExperimentCreate) -> ExperimentRead:
        """A DRAFT experiment; checked whole before anything is written."""
        names = [arm.name for arm in spec.arms]
        if len(set(names)) != len(names):
            raise BadInputError("arm names must be distinct", field="arms")
        problem = check_weights([arm.weight for arm in spec.arms])
        if problem:
            raise BadInputError(problem, field="arms")
        if spec.kind == ExperimentKind.INTERLEAVING and (
            len(spec.arms) != 2 or not all(arm.ranker_version for arm in spec.arms)
        ):
            raise BadInputError("an interleaving experiment has exactly two arms, each naming a ranker", field="arms")
        for arm in spec.arms:
            if arm.ranker_version and arm.ranker_version != HEURISTIC:
                if await self.store.models.get_model_version(cid, arm.ranker_version) is None:
                    raise BadInputError(f"no model version {arm.ranker_version} in the registry", field="arms")
        for step in spec.schedule:
            if step.at.tzinfo is None:
                raise BadInputError("schedule times need a time zone", field="schedule")
        layer_range = None
        if spec.layer:
            taken = [
                tuple(doc["layer_range"])
                for doc in await self.store.experiments.list_experiments(cid)
                if doc.get("layer") == spec.layer and doc["status"] in HOLDS_LAYER and doc.get("layer_range")
            ]
            found = free_layer_range(taken, spec.layer_share)
            if found is None:
                raise ConflictError(f"layer {spec.layer} has no free share of {spec.layer_share}", field="layerShare")
            layer_range = list(found)
        doc: Doc = {
            "_id": ObjectId(),
            "community_id": cid,
            "name": spec.name,
            "hypothesis": spec.hypothesis,
            "kind": spec.kind.value,
            "status": ExperimentStatus.DRAFT.value,
            "arms": [arm.model_dump(mode="json") for arm in spec.arms],
            "targeting": spec.targeting.model_dump(mode="json"),
            "layer": spec.layer,
            "layer_range": layer_range,
            "rollout": spec.rollout,
            "schedule": [{"at": step.at, "share": step.share} for step in spec.schedule],
            "guardrails": [g.model_dump(mode="json") for g in spec.guardrails],
            "primary_metric": spec.primary_metric.value,
            "target_sample": spec.target_sample,
            "mde": spec.mde,
            "pre_period_days": spec.pre_period_days,
            # The experiment's own hash salt: assignments are independent of every other experiment's.
            "salt": str(ObjectId()),
            "created_at": datetime.now(UTC),
        }
        await self.store.experiments.insert_experiment(doc)
        return experiment_read(doc)

    async def get_doc(self, cid: ObjectId, experiment_id: ObjectId) -> Doc:
        doc = await self.store.experiments.get_experiment(cid, experiment_id)
        if doc is None:
            raise ExperimentNotFound()
        return doc

    async def get(self, cid: ObjectId, experiment_id: ObjectId) -> ExperimentRead:
        doc = await self.get_doc(cid, experiment_id)
        return experiment_read(doc, await self.store.experiments.count_exposures(cid, experiment_id))

    async def list(self, cid: ObjectId, status: ExperimentStatus | None) -> ExperimentList:
        docs = await self.store.experiments.list_experiments(cid, status.value if status else None)
        return ExperimentList(items=[experiment_read(d) for d in docs])

    async def start(self, cid: ObjectId, experiment_id: ObjectId) -> ExperimentRead:
        now = datetime.now(UTC)
        return await self._move(
            cid, experiment_id, {"status": ExperimentStatus.RUNNING.value, "started_at": now}, (ExperimentStatus.DRAFT,)
        )

    async def set_rollout(self, cid: ObjectId, experiment_id: ObjectId, update: RolloutUpdate) -> ExperimentRead:
        """Ramp (or trim) the share of the audience in the experiment: raising it only adds members."""
        return await self._move(
            cid, experiment_id, {"rollout": update.share}, (ExperimentStatus.DRAFT, ExperimentStatus.RUNNING)
        )

    async def set_weights(self, cid: ObjectId, experiment_id: ObjectId, update: WeightsUpdate) -> ExperimentRead:
        """Ramp the arms: a member only ever moves from control into a treatment that grew (or back when it
        shrank), never from one treatment to another."""
        doc = await self.get_doc(cid, experiment_id)
        if len(update.weights) != len(doc["arms"]):
            raise BadInputError(f"give one weight per arm ({len(doc['arms'])})", field="weights")
        problem = check_weights(update.weights)
        if problem:
            raise BadInputError(problem, field="weights")
        arms = [{**arm, "weight": weight} for arm, weight in zip(doc["arms"], update.weights, strict=True)]
        return await self._move(cid, experiment_id, {"arms": arms}, (ExperimentStatus.DRAFT, ExperimentStatus.RUNNING))

    async def stop(self, cid: ObjectId, experiment_id: ObjectId) -> ExperimentRead:
        fields = {"status": ExperimentStatus.STOPPED.value, "stopped_at": datetime.now(UTC), "stop_reason": "stopped"}
        return await self._move(cid, experiment_id, fields, (ExperimentStatus.RUNNING,))

    async def _move(
        self, cid: ObjectId, experiment_id: ObjectId, fields: Doc, allowed: tuple[ExperimentStatus, ...]
    ) -> ExperimentRead:
        doc = await self.store.experiments.update_experiment(
            cid, experiment_id, fields, from_status=tuple(s.value for s in allowed)
        )
        if doc is None:
            current = await self.get_doc(cid, experiment_id)
            raise ConflictError(
                f"the experiment is {current['status']}; this needs {' or '.join(s.value for s in allowed)}",
                field="id",
            )
        return experiment_read(doc)
