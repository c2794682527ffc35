"""The model registry: versions with their metrics, the active and shadow pointers, the history of promotions
and rollbacks, and the loaded models.

Serving asks `serving_models` on every request; it reads the community's pointer (one indexed find) and loads
a version from GridFS only when the pointer names one not yet in memory, so `promote` takes effect on the next
request of every process without a restart.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.gate import PromotionRefused, Verdict
from distribution_service.ranking.model import RankingModel, load_model
from distribution_service.store import DistributionStore
from infra.errors import BadInputError, ConflictError, NotFoundError


@dataclass(frozen=True)
class ServingModels:
    active: RankingModel | None
    shadow: RankingModel | None
    # A gray release: `traffic` of members are ranked by `experiment` instead of `active`.
    experiment: RankingModel | None = None
    traffic: float = 0.0


class ModelRegistry:
    def __init__(self, store: DistributionStore) -> None:
        self.store = store
        self._loaded: dict[tuple[ObjectId, str], RankingModel | None] = {}
        self._loading: dict[tuple[ObjectId, str], asyncio.Task[RankingModel | None]] = {}
        # (community, role) -> the model that role served last: what it keeps serving while a new one loads.
        self._serving: dict[tuple[ObjectId, str], RankingModel | None] = {}

    async def register(
        self,
        community_id: ObjectId,
        *,
        version: str,
        model_text: str,
        report: dict[str, Any],
        params: dict[str, Any],
        extra: dict[str, Any] | None = None,
    ) -> bool:
        doc = {
            "community_id": community_id,
            "version": version,
            "created_at": datetime.now(UTC),
            "metrics": report["metrics"],
            "ci95": report["ci95"],
            "window": report["window"],
            "groups": report["groups"],
            "params": params,
            "features": list(FEATURES),
            "report": report,
            **(extra or {}),
        }
        return await self.store.insert_model_version(doc, model_text)

    async def list_versions(self, community_id: ObjectId) -> list[dict[str, Any]]:
        pointer = await self.store.get_model_pointer(community_id) or {}
        rows = []
        for doc in await self.store.list_model_versions(community_id):
            status = (
                "active"
                if doc["version"] == pointer.get("active")
                else ("shadow" if doc["version"] == pointer.get("shadow") else "registered")
            )
            rows.append(
                {
                    "version": doc["version"],
                    "status": status,
                    "created_at": doc["created_at"],
                    "metrics": doc["metrics"],
                    "window": doc["window"],
                }
            )
        return rows

    async def _require(self, community_id: ObjectId, version: str) -> None:
        if await self.store.get_model_version(community_id, version) is None:
            raise NotFoundError(f"no model version {version} in this community's registry", field="version")

    async def get_or_raise(self, community_id: ObjectId, version: str) -> dict[str, Any]:
        doc = await self.store.get_model_version(community_id, version)
        if doc is None:
            raise NotFoundError(f"no model version {version} in this community's registry", field="version")
        return doc

    async def active_document(self, community_id: ObjectId) -> dict[str, Any] | None:
        version = await self.active_version(community_id)
        return await self.store.get_model_version(community_id, version) if version else None

    async def promote(
        self,
        community_id: ObjectId,
        version: str,
        *,
        verdict: Verdict,
        by: str,
        force: bool = False,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """Make `version` active if the gate passed it, or if forced with a reason; either way the history keeps
        who did it, when, from which version to which, and (forced) why and what the gate had said."""
        await self._require(community_id, version)
        if not verdict.passed and not force:
            raise PromotionRefused(f"promotion of {version} refused: " + "; ".join(verdict.refusals))
        if force and not (reason and reason.strip()):
            raise BadInputError("--force needs --reason: the history records why the gate was overridden")
        pointer = await self.store.get_model_pointer(community_id) or {}
        fields: dict[str, Any] = {"active": version}
        if pointer.get("shadow") == version:
            fields["shadow"] = None
        after = await self.store.set_model_pointer(community_id, fields, push_history=version)
        await self._record(
            community_id,
            "promote",
            by=by,
            before=pointer.get("active"),
            after=version,
            forced=force and not verdict.passed,
            reason=reason,
            gate={"passed": verdict.passed, "refusals": verdict.refusals, **verdict.figures},
        )
        return after

    async def rollback(self, community_id: ObjectId, *, by: str, reason: str | None = None) -> dict[str, Any]:
        """Back to the version active before the current one (the heuristic when there was none)."""
        pointer = await self.store.get_model_pointer(community_id)
        if not pointer or not pointer.get("history"):
            raise ConflictError("no promoted model to roll back")
        after = await self.store.pop_model_history(community_id) or {}
        history = after.get("history") or []
        previous = history[-1] if history else None
        result = await self.store.set_model_pointer(community_id, {"active": previous})
        await self._record(
            community_id, "rollback", by=by, before=pointer.get("active"), after=previous, forced=False, reason=reason
        )
        return result

    async def _record(
        self,
        community_id: ObjectId,
        action: str,
        *,
        by: str,
        before: str | None,
        after: str | None,
        forced: bool,
        reason: str | None,
        gate: dict[str, Any] | None = None,
    ) -> None:
        await self.store.models.insert_model_promotion(
            {
                "community_id": community_id,
                "action": action,
                "at": datetime.now(UTC),
                "by": by,
                "from": before,
                "to": after,
                "forced": forced,
                "reason": reason,
                "gate": gate,
            }
        )

    async def history(self, community_id: ObjectId) -> list[dict[str, Any]]:
        """Promotions and rollbacks, newest first: who, when, from which version to which, forced or not, why."""
        return [
            {k: doc.get(k) for k in ("at", "action", "by", "from", "to", "forced", "reason", "gate")}
            for doc in await self.store.models.list_model_promotions(community_id)
        ]

    async def shadow(self, community_id: ObjectId, version: str | None) -> dict[str, Any]:
        if version is not None:
            await self._require(community_id, version)
        return await self.store.set_model_pointer(community_id, {"shadow": version})

    async def start_experiment(self, community_id: ObjectId, version: str, traffic: float) -> dict[str, Any]:
        """Gray release: `traffic` of members (a stable hash) are ranked by `version`, the rest by the active one."""
        if not 0.0 < traffic <= 1.0:
            raise BadInputError("traffic must be in (0, 1]", field="traffic")
        await self._require(community_id, version)
        experiment = {"version": version, "traffic": traffic, "started_at": datetime.now(UTC)}
        return await self.store.set_model_pointer(community_id, {"experiment": experiment})

    async def stop_experiment(self, community_id: ObjectId) -> dict[str, Any]:
        return await self.store.set_model_pointer(community_id, {"experiment": None})

    async def load_for_evaluation(self, community_id: ObjectId, version: str) -> tuple[RankingModel, dict[str, Any]]:
        """A registered version (or `active`) with its registry document, scored by LightGBM itself (no
        compilation: evaluation wants the reference scores, and starts faster)."""
        if version == "active":
            pointer = await self.store.get_model_pointer(community_id) or {}
            if not pointer.get("active"):
                raise NotFoundError("this community has no active model", field="model")
            version = pointer["active"]
        doc = await self.store.get_model_version(community_id, version)
        if doc is None:
            raise NotFoundError(f"no model version {version} in this community's registry", field="model")
        text = await self.store.get_model_text(doc["file_id"])
        return RankingModel(version, text, doc["features"], compiled=False), doc

    async def active_version(self, community_id: ObjectId) -> str | None:
        pointer = await self.store.get_model_pointer(community_id) or {}
        active: str | None = pointer.get("active")
        return active

    async def _load(self, community_id: ObjectId, version: str | None, role: str) -> RankingModel | None:
        """The model `version` for `role` (active, shadow, experiment): loaded and compiled in a worker thread, once.
        While a new version loads, a role that already serves a model keeps serving it (the swap is one
        assignment when the load is done); a role with none waits for the load, off the event loop."""
        if not version:
            self._serving[(community_id, role)] = None
            return None
        key = (community_id, version)
        if key in self._loaded:
            model = self._loaded[key]
            self._serving[(community_id, role)] = model
            return model
        task = self._loading.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(community_id, version))
            self._loading[key] = task
            task.add_done_callback(lambda _: self._loading.pop(key, None))
        previous = self._serving.get((community_id, role))
        if previous is not None:
            return previous
        model = await asyncio.shield(task)
        self._serving[(community_id, role)] = model
        return model

    async def load_version(self, community_id: ObjectId, version: str) -> RankingModel | None:
        """A registered version for an experiment arm (loaded once, kept like the active one); None when it is
        not registered or was refused."""
        return await self._load(community_id, version, f"arm:{version}")

    async def loads_done(self) -> None:
        """Wait for every model being loaded (a warm-up, or a test that needs the swap done)."""
        await asyncio.gather(*list(self._loading.values()))

    async def _fetch(self, community_id: ObjectId, version: str) -> RankingModel | None:
        doc = await self.store.get_model_version(community_id, version)
        if doc is None:
            return None
        text = await self.store.get_model_text(doc["file_id"])
        model = await asyncio.to_thread(load_model, version, text, doc["features"])
        # A refused model is remembered as None: the heuristic serves until another version is promoted.
        self._loaded[(community_id, version)] = model
        return model

    async def serving_models(self, community_id: ObjectId) -> ServingModels:
        pointer = await self.store.get_model_pointer(community_id) or {}
        experiment = pointer.get("experiment") or {}
        return ServingModels(
            active=await self._load(community_id, pointer.get("active"), "active"),
            shadow=await self._load(community_id, pointer.get("shadow"), "shadow"),
            experiment=await self._load(community_id, experiment.get("version"), "experiment"),
            traffic=float(experiment.get("traffic", 0.0)),
        )
