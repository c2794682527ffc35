"""The promotion gate: a model goes live only if it learned from enough groups and ranks the latest test groups
at least as well as the active model and every baseline that could serve instead.

The candidate's test groups are the latest its registry report knows; the active model is scored on those same
groups, rebuilt from the candidate's window with training's own group builder, so the two figures are paired.
`age_idle` is a leak detector, not a ranker anyone would serve: it is not a baseline here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from content_service.client import ContentClient
from distribution_service.ranking.dataset import Protocol, split_groups
from distribution_service.ranking.metrics import per_group
from distribution_service.ranking.model import ModelMismatchError, RankingModel
from distribution_service.store import DistributionStore
from infra.errors import ConflictError

MIN_PROMOTION_GROUPS = 200
BASELINES = ("popularity", "recency", "heuristic", "implicit_als")
# Two figures closer than this are a tie, not a loss (rounding in the stored reports).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Verdict:
    """Whether the gate lets a version through, why not, and every figure it judged by."""

    refusals: list[str]
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.refusals


def verdict(
    candidate: dict[str, Any], *, min_groups: int, active_version: str | None, active_ndcg: float | None
) -> Verdict:
    """The gate's decision from the candidate's registry document and the active model's paired figure."""
    report = candidate.get("report") or {}
    groups = int((candidate.get("groups") or report.get("groups") or {}).get("train", 0))
    metrics: dict[str, dict[str, float]] = candidate.get("metrics") or {}
    model_ndcg = float(candidate.get("gate_ndcg@10", metrics.get("lightgbm", {}).get("ndcg@10", 0.0)))
    baselines = {name: metrics[name]["ndcg@10"] for name in BASELINES if name in metrics}
    best = max(baselines, key=lambda name: baselines[name]) if baselines else None
    refusals: list[str] = []
    if groups < min_groups:
        refusals.append(f"trained on {groups} groups, fewer than the minimum of {min_groups} (--min-groups)")
    if best is not None and model_ndcg + TOLERANCE < baselines[best]:
        refusals.append(f"NDCG@10 {model_ndcg:.4f} is below the best baseline's ({best} {baselines[best]:.4f})")
    if active_ndcg is not None and model_ndcg + TOLERANCE < active_ndcg:
        refusals.append(
            f"NDCG@10 {model_ndcg:.4f} is below the active model's ({active_version} {active_ndcg:.4f})"
            " on the same test groups"
        )
    figures = {
        "train_groups": groups,
        "min_groups": min_groups,
        "ndcg@10": round(model_ndcg, 6),
        "best_baseline": best,
        "best_baseline_ndcg@10": baselines.get(best) if best else None,
        "active": active_version,
        "active_ndcg@10": None if active_ndcg is None else round(active_ndcg, 6),
    }
    return Verdict(refusals, figures)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def paired_ndcg(
    store: DistributionStore,
    content: ContentClient,
    *,
    community_id: str,
    slug: str,
    timezone: str,
    candidate: dict[str, Any],
    models: list[RankingModel],
) -> tuple[int, dict[str, float]]:
    """NDCG@10 of each model on the candidate's test groups, rebuilt from its window and seed: (groups, figures)."""
    # Training's loader imports lightgbm: only the promotion gate needs it, never a service's start.
    from distribution_service.ranking.loader import load_training_data

    window = candidate["window"]
    data = await load_training_data(
        store,
        content,
        community_id=community_id,
        slug=slug,
        timezone=timezone,
        since=_moment(window["train"][0]),
        until=_moment(window["test"][1]),
    )
    alive_days = (candidate.get("report") or {}).get("protocol", {}).get("alive_days")
    if alive_days is not None:
        data = dataclasses.replace(data, alive_days=float(alive_days))
    split = _moment(window["test"][0]).timestamp()
    seed = int((candidate.get("params") or {}).get("seed", 7))
    _, test = split_groups(data, split, protocol=Protocol(alive_days=data.alive_days), seed=seed)
    labels = [g.labels for g in test]
    figures = {
        m.version: float(per_group("ndcg", labels, [m.score(g.features) for g in test], 10).mean()) if test else 0.0
        for m in models
    }
    return len(test), figures


def loadable(version: str, text: str, features: list[str]) -> RankingModel | None:
    """The model as the evaluation scores it, or None when it was trained on other features than the code's."""
    try:
        return RankingModel(version, text, features, compiled=False)
    except ModelMismatchError:
        return None


class PromotionRefused(ConflictError):
    """The gate said no and nobody forced it: nothing changed."""


async def assess(
    store: DistributionStore,
    content: ContentClient,
    *,
    community_id: str,
    slug: str,
    timezone: str,
    candidate: dict[str, Any],
    active: dict[str, Any] | None,
    min_groups: int,
) -> Verdict:
    """The gate's verdict on `candidate` against `active` (registry documents), pairing them when both load."""
    if active is None or active["version"] == candidate["version"]:
        return verdict(candidate, min_groups=min_groups, active_version=None, active_ndcg=None)
    new = loadable(candidate["version"], await store.get_model_text(candidate["file_id"]), candidate["features"])
    old = loadable(active["version"], await store.get_model_text(active["file_id"]), active["features"])
    note: str | None = None
    active_ndcg: float | None = None
    if new is None or old is None:
        # A model of other features cannot be scored on today's groups (serving falls back from it anyway).
        note = "not compared: a model's features differ from the code's"
    else:
        groups, figures = await paired_ndcg(
            store,
            content,
            community_id=community_id,
            slug=slug,
            timezone=timezone,
            candidate=candidate,
            models=[new, old],
        )
        if groups:
            candidate = candidate | {"gate_ndcg@10": figures[new.version]}
            active_ndcg = figures[old.version]
            note = f"paired on {groups} rebuilt test groups"
        else:
            note = "not compared: the candidate's test groups could not be rebuilt"
    result = verdict(candidate, min_groups=min_groups, active_version=active["version"], active_ndcg=active_ndcg)
    return Verdict(result.refusals, result.figures | {"active_basis": note})
