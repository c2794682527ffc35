"""A member's own columns over a prepared pool, per member: `python -m benchmarks.member_matrix`.

    python -m benchmarks.member_matrix [--items 300] [--history 100] [--body 80] [--repeat 2000]

What a slot run pays per member once the pool's block is built (`features.item_block`): `member_state_at` (the
member's affinity tables from their last engagements) and `member_matrix` (their columns over the pool's rows,
the text cosines included). Synthetic pool and history (random words from a 3,000-word vocabulary, a title of 8
and a body of --body words on average, hashed as serving hashes them). The bare baseline is the same calls for a
member with no history, in the same run. Medians of --repeat single calls, in microseconds.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.common import print_summary
from distribution_service.ranking.features import CandidateColumns, DecisionContext, item_block, member_matrix
from distribution_service.ranking.member_features import Engagements, member_state_at
from distribution_service.ranking.text import item_text, text_matrix
from distribution_service.service.member_state import EMPTY_TEXT

DAY = 86_400.0
TAGS = [f"tag{i}" for i in range(40)]


def _texts(n: int, rng: np.random.Generator, body: int) -> tuple[list[str], list[tuple[str, ...]]]:
    vocab = [f"w{i}x" for i in range(3_000)]
    tags = [tuple(rng.choice(TAGS, size=int(rng.integers(1, 4)), replace=False)) for _ in range(n)]
    texts = [
        item_text(
            " ".join(rng.choice(vocab, size=8)),
            " ".join(rng.choice(vocab, size=int(rng.integers(body // 2, body * 3 // 2 + 1)))),
            list(t),
        )
        for t in tags
    ]
    return texts, tags


def _pool(n: int, rng: np.random.Generator, body: int) -> CandidateColumns:
    texts, tags = _texts(n, rng, body)
    return CandidateColumns(
        content_ids=[f"c{i}" for i in range(n)],
        kinds=[["PGC", "UGC", "COMMERCIAL"][int(k)] for k in rng.integers(0, 3, n)],
        author_ids=[f"a{a}" for a in rng.integers(0, 50, n)],
        tags=tags,
        age_days=rng.uniform(0, 40, n),
        impressions=rng.integers(0, 50, n).astype(float),
        opens=rng.integers(0, 5, n).astype(float),
        engagement=rng.uniform(0, 9, n),
        engagement_7d=rng.uniform(0, 3, n),
        last_activity_days=rng.uniform(0, 9, n),
        author_tiers=["ACTIVE"] * n,
        exposure_boost=np.ones(n),
        answers=rng.integers(0, 3, n).astype(float),
        engagement_1d=rng.uniform(0, 1, n),
        text_rows=text_matrix(texts),
    )


def _engagements(n: int, now: float, rng: np.random.Generator, body: int) -> Engagements:
    texts, tags = _texts(n, rng, body)
    times = np.sort(now - rng.uniform(0, 60 * DAY, n))
    return Engagements(
        times=times,
        weights=rng.choice([1.0, 2.0, 3.0], size=n),
        strongest=rng.random(n) < 0.2,
        created=times - rng.uniform(0, 5 * DAY, n),
        tags=tags,
        author_ids=[f"a{a}" for a in rng.integers(0, 50, n)],
        kinds=[["PGC", "UGC", "COMMERCIAL"][int(k)] for k in rng.integers(0, 3, n)],
        text=text_matrix(texts),
    )


def _median_us(call: Callable[[], Any], repeat: int) -> float:
    for _ in range(20):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return float(np.median(samples)) * 1e6


def run(items: int, history: int, body: int, repeat: int) -> dict[str, Any]:
    rng = np.random.default_rng(13)
    now = 1_780_000_000.0
    pool = _pool(items, rng, body)
    block = item_block(pool, DecisionContext("MORNING", "BEFORE_DECISION", 2, 8.0, tag_shares={"tag1": 0.1}))
    engaged = _engagements(history, now, rng, body)
    empty = Engagements(np.zeros(0), np.zeros(0), np.zeros(0, bool), np.zeros(0), [], [], [], EMPTY_TEXT)
    rows = np.arange(items)
    state = member_state_at("m", now, engaged, empty_text=EMPTY_TEXT)
    newcomer = member_state_at("n", now, empty, empty_text=EMPTY_TEXT)
    figures = {
        "items": items,
        "history": history,
        "body_words": body,
        "state_us_none": _median_us(lambda: member_state_at("n", now, empty, empty_text=EMPTY_TEXT), repeat),
        "state_us_history": _median_us(lambda: member_state_at("m", now, engaged, empty_text=EMPTY_TEXT), repeat),
        "matrix_us_none": _median_us(lambda: member_matrix(block, newcomer, rows), repeat),
        "matrix_us_history": _median_us(lambda: member_matrix(block, state, rows), repeat),
    }
    figures["matrix_ratio"] = figures["matrix_us_history"] / figures["matrix_us_none"]
    figures["state_ratio"] = figures["state_us_history"] / figures["state_us_none"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--history", type=int, default=100)
    parser.add_argument("--body", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=2_000)
    args = parser.parse_args()
    figures = run(args.items, args.history, args.body, args.repeat)
    for key, value in figures.items():
        print(f"{key:>18}: {value:.1f}" if isinstance(value, float) else f"{key:>18}: {value}")
    print_summary(figures)


if __name__ == "__main__":
    main()
