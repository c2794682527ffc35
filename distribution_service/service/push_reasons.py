"""Why a pushed item was pushed, computed when it is read.

A slot run logs every decision's feature rows but leaves LightGBM's per-feature contributions (`pred_contrib`,
the costliest part of a model's decision) out: the inbox and `explainFeedItem` compute them for the few items a
member reads, from the logged rows and with the model version that decided (loaded once per process, as serving
loads it). They are what the run would have stored: the same rows, the same model, the same rounding.
"""

from __future__ import annotations

import asyncio

import numpy as np
from bson import ObjectId

from distribution_service.domain import decision_log, exposure
from distribution_service.ranking.features import FEATURE_INDEX
from distribution_service.ranking.model import top_contributions
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.store import DistributionStore, Doc

# A decision and one of its items.
Pushed = tuple[ObjectId, str]
# Marks a decision (and its delivery) whose model contributions are computed when read.
AT_READ = "reasons_at_read"


class PushReasons:
    def __init__(self, store: DistributionStore, registry: ModelRegistry) -> None:
        self.store = store
        self.registry = registry

    async def of_items(self, cid: ObjectId, items: list[Pushed]) -> dict[Pushed, dict[str, float]]:
        """Each (decision, item)'s reasons, for decisions that left them to be read; others are absent."""
        wanted = list(dict.fromkeys(d for d, _ in items))
        decisions = await self.store.decisions.list_decisions_by_ids(cid, wanted)
        found: dict[Pushed, dict[str, float]] = {}
        for doc in decisions:
            if doc.get(AT_READ):
                found.update(await self.of_decision(cid, doc, [c for d, c in items if d == doc["_id"]]))
        return found

    async def of_decision(self, cid: ObjectId, doc: Doc, content_ids: list[str]) -> dict[Pushed, dict[str, float]]:
        """The items' reasons from the decision's logged rows and its model (none if that model is gone)."""
        model = await self.registry.load_version(cid, doc["model_version"])
        row_of = {str(c): k for k, c in enumerate(decision_log.candidate_ids(doc))}
        known = [c for c in dict.fromkeys(content_ids) if c in row_of]
        if model is None or not known:
            return {}
        x = decision_log.features(doc)[[row_of[c] for c in known]]
        contributions = await asyncio.to_thread(model.contributions, x)
        lift = exposure.log_boost(np.asarray(x[:, FEATURE_INDEX["content_exposure_boost"]], dtype=float))
        found: dict[Pushed, dict[str, float]] = {}
        for k, content_id in enumerate(known):
            reasons = top_contributions(contributions[k])
            if lift[k]:
                reasons[exposure.REASON] = round(float(lift[k]), 6)
            found[(doc["_id"], content_id)] = reasons
        return found
