"""The model registry: versions with their metrics, the active and shadow pointers, and the loaded models.

Serving asks `serving_models` on every request; it reads the community's pointer (one indexed find) and loads
a version from GridFS only when the pointer names one not yet in memory, so `promote` takes effect on the next
request of every process without a restart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.model import RankingModel
from distribution_service.store import DistributionStore
from infra.errors import ConflictError, NotFoundError


class ModelRegistry:
    def __init__(self, store: DistributionStore) -> None:
        self.store = store
        self._loaded: dict[tuple[ObjectId, str], RankingModel] = {}

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

    async def promote(self, community_id: ObjectId, version: str) -> dict[str, Any]:
        await self._require(community_id, version)
        pointer = await self.store.get_model_pointer(community_id) or {}
        fields: dict[str, Any] = {"active": version}
        if pointer.get("shadow") == version:
            fields["shadow"] = None
        return await self.store.set_model_pointer(community_id, fields, push_history=version)

    async def rollback(self, community_id: ObjectId) -> dict[str, Any]:
        """Back to the version active before the current one (the heuristic when there was none)."""
        pointer = await self.store.get_model_pointer(community_id)
        if not pointer or not pointer.get("history"):
            raise ConflictError("no promoted model to roll back")
        after = await self.store.pop_model_history(community_id) or {}
        history = after.get("history") or []
        return await self.store.set_model_pointer(community_id, {"active": history[-1] if history else None})

    async def shadow(self, community_id: ObjectId, version: str | None) -> dict[str, Any]:
        if version is not None:
            await self._require(community_id, version)
        return await self.store.set_model_pointer(community_id, {"shadow": version})

    async def _load(self, community_id: ObjectId, version: str | None) -> RankingModel | None:
        if not version:
            return None
        key = (community_id, version)
        if key not in self._loaded:
            doc = await self.store.get_model_version(community_id, version)
            if doc is None:
                return None
            text = await self.store.get_model_text(doc["file_id"])
            self._loaded[key] = RankingModel(version, text, doc["features"])
        return self._loaded[key]

    async def serving_models(self, community_id: ObjectId) -> tuple[RankingModel | None, RankingModel | None]:
        pointer = await self.store.get_model_pointer(community_id) or {}
        return await self._load(community_id, pointer.get("active")), await self._load(
            community_id, pointer.get("shadow")
        )
