"""Judgment lists made elsewhere (TREC qrels, Elasticsearch `rank_eval`): read them, rank them, score them.

A line is `{"id": str, "member": str, "at": ISO 8601, "candidates": [str, ...], "ratings": {id: grade}}`
(`ratings` only for evaluation; other keys ignored). Every feature of a line is computed as of its `at` from
what was known strictly before it (the history's "known" times), exactly as training builds its groups. A line
that cannot be ranked becomes an error line; the others go on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from distribution_service.ranking.dataset import Group, decision_context
from distribution_service.ranking.features import build_matrix
from distribution_service.ranking.history import Catalog, EventLog, ItemHistory, MemberHistory, text_rows
from distribution_service.ranking.metrics import bootstrap_ci95, paired_ratio_ci95, per_group
from infra.moments import as_utc

METRICS = (("ndcg@5", "ndcg", 5), ("ndcg@10", "ndcg", 10), ("map@10", "map", 10))


class LineError(ValueError):
    """A line that cannot be ranked: its message goes to the output, the run goes on."""


@dataclass(frozen=True)
class Judged:
    id: str
    member: str
    at: float
    candidates: list[str]
    ratings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Bad:
    id: str
    error: str


def _moment(text: object) -> float:
    if not isinstance(text, str):
        raise LineError("`at` must be an ISO 8601 string")
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise LineError(f"`at` is not ISO 8601: {text!r}") from exc
    return as_utc(value).timestamp()


def _judged(row: object) -> Judged:
    if not isinstance(row, dict):
        raise LineError("a line must be a JSON object")
    gid = row.get("id")
    if not isinstance(gid, str) or not gid:
        raise LineError("`id` must be a non-empty string")
    member, candidates, ratings = row.get("member"), row.get("candidates"), row.get("ratings") or {}
    if not isinstance(member, str) or not member:
        raise LineError("`member` must be a non-empty string")
    if not isinstance(candidates, list) or not candidates or not all(isinstance(c, str) for c in candidates):
        raise LineError("`candidates` must be a non-empty list of strings")
    if len(set(candidates)) != len(candidates):
        raise LineError("`candidates` names an item twice")
    if not isinstance(ratings, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in ratings.values()
    ):
        raise LineError("`ratings` must map ids to grades >= 0")
    return Judged(gid, member, _moment(row.get("at")), list(candidates), {str(k): float(v) for k, v in ratings.items()})


def parse_lines(lines: Iterable[str]) -> list[Judged | Bad]:
    """Each non-blank line parsed; a line that is not a valid group is a `Bad` named by its id (or line number)."""
    out: list[Judged | Bad] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            out.append(Bad(f"line {number}", "not a JSON object"))
            continue
        try:
            out.append(_judged(row))
        except LineError as exc:
            gid = row.get("id") if isinstance(row, dict) else None
            out.append(Bad(gid if isinstance(gid, str) and gid else f"line {number}", str(exc)))
    return out


def tie_order(group_id: str, n: int) -> np.ndarray:
    """A fixed shuffle of a group's candidates, seeded by its id: ties are broken by it, not by the file's
    order (a file listing its relevant items first would otherwise hand every tied ranker the answer)."""
    seed = int.from_bytes(hashlib.sha256(group_id.encode()).digest()[:8], "big")
    return np.random.default_rng(seed).permutation(n)


class Ranker:
    """Builds each judged group's feature matrix as of its moment, from one community's history."""

    def __init__(self, catalog: Catalog, log: EventLog, *, timezone: str = "UTC") -> None:
        self.catalog = catalog
        self.timezone = timezone
        # Stateless rows (ranking/text.py): an item's row is its own text's, whatever else exists.
        text = text_rows(catalog)
        self.items = ItemHistory(catalog, log, text=text)
        self.members = MemberHistory(catalog, log, text=text)
        self.index = {c: i for i, c in enumerate(catalog.content_ids)}

    def group(self, judged: Judged) -> Group:
        """The line as a group (candidates in tie order, labels from ratings); LineError when it cannot be."""
        unknown = [c for c in judged.candidates if c not in self.index]
        if unknown:
            raise LineError(f"unknown candidates: {', '.join(unknown[:5])}")
        order = tie_order(judged.id, len(judged.candidates))
        names = [judged.candidates[k] for k in order]
        items = np.array([self.index[c] for c in names], dtype=np.int64)
        late = [n for n, i in zip(names, items, strict=True) if not self.catalog.created[i] < judged.at]
        if late:
            raise LineError(f"candidates created at or after `at`: {', '.join(late[:5])}")
        state = self.members.state_at(judged.member, judged.at)
        context = replace(decision_context(judged.at, self.timezone), tag_shares=self.items.tag_shares(judged.at))
        features = build_matrix(state, self.items.columns_at(items, judged.at), context)
        labels = np.array([judged.ratings.get(n, 0.0) for n in names], dtype=float)
        return Group(judged.member, judged.at, items, labels, features, cold_start=state.history_size == 0)


def ranking(group: Group, scores: np.ndarray, catalog: Catalog) -> list[str]:
    """Candidate ids best first; equal scores keep the group's tie order."""
    return [catalog.content_ids[int(group.items[k])] for k in np.argsort(-scores, kind="stable")]


def evaluate(
    groups: list[Group], scorers: Mapping[str, Callable[[Group], np.ndarray]], *, paired_with: tuple[str, ...]
) -> dict[str, Any]:
    """Every scorer on exactly these groups: NDCG@5/@10 and MAP@10 with bootstrap ci95 over groups; and the
    first scorer's NDCG@10 over the best of `paired_with`, with a paired bootstrap ci95 (same resamples)."""
    labels = [g.labels for g in groups]
    metrics: dict[str, Any] = {}
    ndcg10: dict[str, np.ndarray] = {}
    for name, scorer in scorers.items():
        scores = [scorer(g) for g in groups]
        row: dict[str, Any] = {}
        for key, metric, k in METRICS:
            values = per_group(metric, labels, scores, k)
            row[key] = round(float(values.mean()), 6) if len(values) else 0.0
            row[f"{key}_ci95"] = list(bootstrap_ci95(values))
            if key == "ndcg@10":
                ndcg10[name] = values
        metrics[name] = row
    first = next(iter(scorers))
    present = [p for p in paired_with if p in ndcg10]
    best = max(present, key=lambda p: float(ndcg10[p].mean()), default=None)
    paired: dict[str, Any] | None = None
    if best is not None and len(groups):
        ratio, low, high = paired_ratio_ci95(ndcg10[first], ndcg10[best])
        paired = {"ranker": first, "over": best, "ndcg@10_ratio": ratio, "ci95": [low, high]}
    return {"metrics": metrics, "paired": paired}
