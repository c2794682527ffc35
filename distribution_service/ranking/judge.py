"""`rank` and `evaluate`: a judgment list through a registered model, the active one and the baselines."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from bson import ObjectId

from content_service.client import ContentClient
from distribution_service.ranking import source_ids
from distribution_service.ranking.baselines import (
    age_idle_scores,
    fit_als,
    heuristic_scores,
    popularity_scores,
    recency_scores,
)
from distribution_service.ranking.dataset import Group
from distribution_service.ranking.heuristic import HeuristicRanker, HeuristicWeights
from distribution_service.ranking.judgments import Bad, Judged, LineError, Ranker, evaluate, parse_lines, ranking
from distribution_service.ranking.loader import load_history
from distribution_service.ranking.model import RankingModel
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.store import DistributionStore
from users_service.client import UsersClient

DEFAULT_ALS = {"factors": 32, "regularization": 0.1, "alpha": 10.0}
# The done-when comparison: the model over the best of these, paired on the same groups.
PAIRED_WITH = ("recency", "popularity")


@dataclass(frozen=True)
class JudgmentContext:
    store: DistributionStore
    registry: ModelRegistry
    users: UsersClient
    content: ContentClient
    community_id: str
    timezone: str
    # The fallback's weights, for the `heuristic` baseline (as the feed serves it).
    heuristic: HeuristicWeights = field(default_factory=HeuristicWeights)


def _to_platform(lines: list[Judged | Bad], ids: source_ids.IdMap) -> list[Judged | Bad]:
    """Lines named by source ids, renamed to platform ids; an id the import never saw is the line's error."""
    out: list[Judged | Bad] = []
    for line in lines:
        if isinstance(line, Bad):
            out.append(line)
        elif line.member not in ids.members:
            out.append(Bad(line.id, f"unknown member (source id) {line.member}"))
        elif missing := [c for c in line.candidates if c not in ids.content]:
            out.append(Bad(line.id, f"unknown candidates (source ids): {', '.join(missing[:5])}"))
        else:
            out.append(
                Judged(
                    line.id,
                    ids.members[line.member],
                    line.at,
                    [ids.content[c] for c in line.candidates],
                    {ids.content[k]: v for k, v in line.ratings.items() if k in ids.content},
                )
            )
    return out


def _model_scorer(model: RankingModel) -> Callable[[Group], np.ndarray]:
    return lambda g: model.score(g.features)


async def judge(args: argparse.Namespace, ctx: JudgmentContext) -> dict[str, Any]:
    cid = ObjectId(ctx.community_id)
    model, doc = await ctx.registry.load_for_evaluation(cid, args.model)
    lines = parse_lines(args.lines)
    names: dict[str, str] = {}
    if args.ids == "source":
        judged = [line for line in lines if isinstance(line, Judged)]
        ids = await source_ids.resolve(
            ctx.users,
            ctx.content,
            ctx.community_id,
            members=[j.member for j in judged],
            items=[c for j in judged for c in j.candidates],
        )
        lines = _to_platform(lines, ids)
        names = ids.names
    asked = [c for line in lines if isinstance(line, Judged) for c in line.candidates]
    catalog, log = await load_history(
        ctx.store, ctx.content, community_id=ctx.community_id, until=datetime.now(UTC), item_ids=asked
    )
    ranker = Ranker(catalog, log, timezone=ctx.timezone)
    groups: list[tuple[str, Group]] = []
    results: list[dict[str, Any]] = []
    for line in lines:
        if isinstance(line, Bad):
            results.append({"id": line.id, "error": line.error})
            continue
        try:
            groups.append((line.id, ranker.group(line)))
        except LineError as exc:
            results.append({"id": line.id, "error": str(exc)})
            continue
        results.append({"id": line.id})
    summary: dict[str, Any] = {
        "groups": len(lines),
        "ranked": len(groups),
        "errors": len(lines) - len(groups),
        "model": model.version,
    }
    if args.command == "rank":
        scored = {gid: ranking(g, model.score(g.features), catalog) for gid, g in groups}
        with args.output.open("w", encoding="utf-8") as out:
            for row in results:
                if "error" not in row:
                    ranked = scored[row["id"]]
                    row["ranking"] = [names.get(c, c) for c in ranked] if args.ids == "source" else ranked
                out.write(json.dumps(row) + "\n")
        return summary | {"output": str(args.output)}
    return summary | await _evaluate(ctx, cid, model, doc, [g for _, g in groups], log, len(catalog))


async def _evaluate(
    ctx: JudgmentContext,
    cid: ObjectId,
    model: RankingModel,
    doc: dict[str, Any],
    groups: list[Group],
    log: Any,
    n_items: int,
) -> dict[str, Any]:
    scorers: dict[str, Callable[[Group], np.ndarray]] = {"model": _model_scorer(model)}
    fallback = HeuristicRanker(ctx.heuristic)
    active_version = await ctx.registry.active_version(cid)
    if active_version is not None:
        active, _ = await ctx.registry.load_for_evaluation(cid, active_version)
        scorers["active"] = _model_scorer(active)
    scorers |= {
        "popularity": popularity_scores,
        "recency": recency_scores,
        "age_idle": age_idle_scores,
        "heuristic": lambda g: heuristic_scores(g, fallback),
    }
    unjudged = sum(1 for g in groups if not (g.labels > 0).any())
    if groups:
        # ALS with the model's tuned parameters, fitted on engagement known before the earliest group.
        first = min(g.at for g in groups)
        use = (log.grades > 0) & (log.member_ids != "") & (log.known < first)
        als = fit_als(
            list(log.member_ids[use]),
            log.items[use],
            log.grades[use].astype(float),
            n_items,
            doc.get("als_params") or DEFAULT_ALS,
            seed=7,
        )
        scorers["implicit_als"] = als.scores
    result = evaluate(groups, scorers, paired_with=PAIRED_WITH)
    baselines = {"heuristic": fallback.version}
    return {"active": active_version, "baselines": baselines, "without_relevant": unjudged, **result}


def metrics_table(summary: dict[str, Any]) -> str:
    """The evaluation as a plain table, for people; the JSON line after it is for scripts."""
    rows = [f"{'ranker':<14} {'ndcg@5':>24} {'ndcg@10':>24} {'map@10':>24}"]
    for name, m in summary.get("metrics", {}).items():
        cells = [
            f"{m[k]:.3f} [{m[k + '_ci95'][0]:.3f}, {m[k + '_ci95'][1]:.3f}]" for k in ("ndcg@5", "ndcg@10", "map@10")
        ]
        rows.append(f"{name:<14} " + " ".join(f"{c:>24}" for c in cells))
    paired = summary.get("paired")
    if paired:
        rows.append(
            f"{paired['ranker']} / {paired['over']} NDCG@10: {paired['ndcg@10_ratio']:.3f}x"
            f" [{paired['ci95'][0]:.3f}, {paired['ci95'][1]:.3f}] (paired bootstrap over groups)"
        )
    rows.append(f"groups {summary['groups']}, ranked {summary['ranked']}, errors {summary['errors']}")
    return "\n".join(rows) + "\n"
