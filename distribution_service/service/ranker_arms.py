"""Which ranker ranks each member when experiments are running: an A/B arm's registered LightGBM version (or
the heuristic, or the active model for an arm that names none), or two rankers interleaved by team draft."""

from __future__ import annotations

from dataclasses import dataclass

from bson import ObjectId

from distribution_service.domain.experiment_enums import Channel, ExperimentKind
from distribution_service.ranking.model import RankingModel
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.service.assignment import Assigned, AssignmentService
from distribution_service.store import DistributionStore

HEURISTIC = "heuristic"


@dataclass(frozen=True)
class RankerPlan:
    assigned: Assigned
    # The ranker for this member: None is the heuristic.
    model: RankingModel | None
    # The arm's ranker could not be loaded: the active model served instead (counted by the error guardrail).
    failed: bool = False
    # Interleaving: the second team's ranker (the first is `model`).
    partner: RankingModel | None = None
    interleaving: bool = False


def _ranks(a: Assigned) -> bool:
    return a.experiment["kind"] == ExperimentKind.INTERLEAVING.value or any(
        arm.get("ranker_version") for arm in a.experiment["arms"]
    )


class RankerArms:
    def __init__(self, store: DistributionStore, registry: ModelRegistry, assignment: AssignmentService) -> None:
        self.store = store
        self.registry = registry
        self.assignment = assignment

    async def plans(
        self, cid: ObjectId, member_ids: list[str], channel: Channel, active: RankingModel | None
    ) -> dict[str, RankerPlan]:
        """Member → the ranker experiment that ranks them (the earliest created, if layers let several hold a
        member: only one ranker can rank a list)."""
        assigned = await self.assignment.assign(cid, member_ids, channel)
        chosen: dict[str, Assigned] = {}
        for member_id, arms in assigned.items():
            ranking = sorted((a for a in arms if _ranks(a)), key=lambda a: a.experiment["created_at"])
            if ranking:
                chosen[member_id] = ranking[0]
        if not chosen:
            return {}
        versions = {
            arm.get("ranker_version")
            for a in chosen.values()
            for arm in a.experiment["arms"]
            if arm.get("ranker_version") and arm.get("ranker_version") != HEURISTIC
        }
        loaded = {v: await self.registry.load_version(cid, v) for v in versions}

        def resolve(version: str | None) -> tuple[RankingModel | None, bool]:
            if not version:
                return active, False
            if version == HEURISTIC:
                return None, False
            model = loaded.get(version)
            return (model, False) if model is not None else (active, True)

        plans: dict[str, RankerPlan] = {}
        for member_id, a in chosen.items():
            if a.experiment["kind"] == ExperimentKind.INTERLEAVING.value:
                (first, f1), (second, f2) = (resolve(arm.get("ranker_version")) for arm in a.experiment["arms"][:2])
                plans[member_id] = RankerPlan(a, first, f1 or f2, partner=second, interleaving=True)
            else:
                model, failed = resolve(a.arm_doc.get("ranker_version"))
                plans[member_id] = RankerPlan(a, model, failed)
        return plans

    async def record(self, cid: ObjectId, plans: dict[str, RankerPlan], channel: Channel) -> None:
        """The arms were used: log the exposures (once per member) and count uses and failures per arm."""
        if not plans:
            return
        await self.assignment.log_exposures(cid, {m: [p.assigned] for m, p in plans.items()}, channel)
        tally: dict[tuple[ObjectId, str], list[int]] = {}
        for p in plans.values():
            key = (p.assigned.experiment["_id"], p.assigned.arm_doc["name"])
            counts = tally.setdefault(key, [0, 0])
            counts[0] += 1
            counts[1] += int(p.failed)
        for (experiment_id, arm), (used, failed) in tally.items():
            await self.store.experiments.count_uses(cid, experiment_id, arm, used, failed)
