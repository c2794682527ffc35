"""The one feature registry: the same function turns (member, candidates, context) into the matrix that
training fits on and serving scores, so the two cannot drift apart.

Inputs are plain arrays; serving fills them from live counters, training from the same counters recomputed
as they stood at each decision's moment (no future leakage). Every column is computed for all candidates at
once with NumPy; the only per-item Python work is flattening tags into index arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import _sparsetools

TIER_ORDER = (
    "POTENTIAL",
    "NEW",
    "CASUAL",
    "ACTIVE",
    "ACTIVE_CONTRIBUTOR",
    "KOC",
    "EXPERT",
    "CORE",
    "AMBASSADOR",
)
KIND_CODE = {"PGC": 0, "UGC": 1, "COMMERCIAL": 2}
SLOT_CODE = {"MORNING": 0, "NOON": 1, "EVENING": 2}
SCENE_CODE = {"BEFORE_DECISION": 0, "DURING_DECISION": 1, "AFTER_DECISION": 2}
# Beta-prior smoothing of per-item rates: an item with few impressions reads as the prior, not as 0 or 100%.
PRIOR_OPEN_RATE = 0.1
PRIOR_ENGAGEMENT_RATE = 0.2
PRIOR_STRENGTH = 20.0
# A member never seen engaging is this many days from their last engagement (a large, finite value).
NEVER_DAYS = 3650.0
# content_popularity_7d counts engagement from 00:00 UTC seven days before the decision's day: serving sums
# whole daily buckets, and training cuts its event log at the same moment.
POPULARITY_DAYS = 7
# content_engagement_1d: from 00:00 UTC of the day before the decision's day (velocity, in whole buckets).
VELOCITY_DAYS = 1
DAY_SECONDS = 86_400.0
# cross_tag_lift's denominator floor: a tag the community has barely touched does not explode the ratio.
TAG_LIFT_SMOOTHING = 0.01


def popularity_window_start(t: float) -> float:
    """Where content_popularity_7d's window starts for a decision at epoch second t."""
    return recent_window_start(t, POPULARITY_DAYS)


def recent_window_start(t: float, days: int) -> float:
    """00:00 UTC `days` days before t's day: a window serving sums from whole daily buckets (`item_daily`)."""
    return (t // DAY_SECONDS) * DAY_SECONDS - days * DAY_SECONDS


FEATURES: tuple[str, ...] = (
    "member_tier",
    "member_tenure_days",
    "member_recency_days",
    "member_frequency_30d",
    "member_engagement_30d",
    "member_history_size",
    "content_kind",
    "content_age_days",
    "content_popularity",
    "content_popularity_7d",
    "content_last_activity_days",
    "content_open_rate",
    "content_engagement_rate",
    "content_author_tier",
    "content_exposure_boost",
    "context_slot",
    "context_scene",
    "context_weekday",
    "context_local_hour",
    "cross_tag_affinity",
    "cross_author_affinity",
    "cross_kind_affinity",
    "cross_own_content",
    # Each is known before t; a caller without its input gives NaN (LightGBM's missing branch), never a
    # made-up value. Serving fills every one of them (tests/integration/distribution/test_feature_parity.py).
    "member_answer_share",
    "content_answers",
    "content_engagement_1d",
    "cross_tag_lift",
    "cross_text_similarity",
    "cross_text_max",
    "member_typical_age_days",
    "cross_age_gap",
)
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES)}


def member_log_age(member: MemberState) -> float:
    """log(1 + the age at which the member typically engages), the age held at 0 as a candidate's is: engagements
    stamped before their item's creation (imported or back-dated events) made the median negative, and at -1 day or
    less the gap was infinite or NaN."""
    return float(np.log1p(np.maximum(member.typical_age_days, 0.0)))


def tier_code(tier: str | None) -> float:
    return float(TIER_ORDER.index(tier)) if tier in TIER_ORDER else float("nan")


@dataclass(frozen=True)
class MemberState:
    """What is known of the member at the moment of the decision."""

    member_id: str
    tier: str | None = None
    tenure_days: float = 0.0
    recency_days: float = NEVER_DAYS
    frequency_30d: float = 0.0
    engagement_30d: float = 0.0
    history_size: float = 0.0
    # Shares of the member's past engagement per tag, author and kind (each sums to 1 when there is history).
    tag_affinity: Mapping[str, float] = field(default_factory=dict)
    author_affinity: Mapping[str, float] = field(default_factory=dict)
    kind_affinity: Mapping[str, float] = field(default_factory=dict)
    # Share of the member's past engagement events that were their strongest (answers, shares); NaN unknown.
    answer_share: float = float("nan")
    # Text rows (scipy CSR, L2-normalised) of the items the member engaged with before t, latest last;
    # None when there is no text index.
    text_history: Any = None
    # How many of the member's engagements each text_history row stands for (serving stacks an item engaged with
    # again once: service/feature_inputs.py); None: one each. A row counted 0 is no longer in the history.
    text_counts: Any = None
    # Median age (days) of the items the member engaged with, at the moment they did: some members answer
    # only what is new, others work through the backlog. NaN without history.
    typical_age_days: float = float("nan")


@dataclass(frozen=True)
class CandidateColumns:
    """The candidates as columns (one entry per candidate in every field)."""

    content_ids: Sequence[str]
    kinds: Sequence[str]
    author_ids: Sequence[str | None]
    tags: Sequence[Sequence[str]]
    age_days: np.ndarray
    impressions: np.ndarray
    opens: np.ndarray
    engagement: np.ndarray
    engagement_7d: np.ndarray
    last_activity_days: np.ndarray
    author_tiers: Sequence[str | None]
    exposure_boost: np.ndarray
    # Strongest-grade events (answers, shares), and engagement weight from 00:00 UTC of the day before t's day
    # (`recent_window_start`); None when the caller does not know them.
    answers: np.ndarray | None = None
    engagement_1d: np.ndarray | None = None
    # Text rows (scipy CSR, L2-normalised) of the candidates' text; None without a text index.
    text_rows: Any = None

    def __len__(self) -> int:
        return len(self.content_ids)

    def take(self, rows: np.ndarray) -> CandidateColumns:
        """The candidates at `rows`, in that order."""
        pick = rows.tolist()
        return CandidateColumns(
            content_ids=[self.content_ids[i] for i in pick],
            kinds=[self.kinds[i] for i in pick],
            author_ids=[self.author_ids[i] for i in pick],
            tags=[self.tags[i] for i in pick],
            age_days=np.asarray(self.age_days)[rows],
            impressions=np.asarray(self.impressions)[rows],
            opens=np.asarray(self.opens)[rows],
            engagement=np.asarray(self.engagement)[rows],
            engagement_7d=np.asarray(self.engagement_7d)[rows],
            last_activity_days=np.asarray(self.last_activity_days)[rows],
            author_tiers=[self.author_tiers[i] for i in pick],
            exposure_boost=np.asarray(self.exposure_boost)[rows],
            answers=None if self.answers is None else np.asarray(self.answers)[rows],
            engagement_1d=None if self.engagement_1d is None else np.asarray(self.engagement_1d)[rows],
            text_rows=None if self.text_rows is None else self.text_rows[rows],
        )


@dataclass(frozen=True)
class DecisionContext:
    slot: str
    scene: str
    weekday: int
    local_hour: float
    # The community's engagement share per tag before t (what cross_tag_lift divides by); empty when unknown.
    tag_shares: Mapping[str, float] = field(default_factory=dict)


def _lookup(keys: Sequence[str | None], table: Mapping[str, float]) -> np.ndarray:
    """table[key] for every key (0 when absent), through one vocabulary index rather than a loop of gets."""
    if not table or not keys:
        return np.zeros(len(keys))
    vocab = np.array(list(table.keys()), dtype=object)
    values = np.array(list(table.values()), dtype=float)
    order = np.argsort(vocab)
    vocab, values = vocab[order], values[order]
    asked = np.array([k if k is not None else "" for k in keys], dtype=object)
    pos = np.clip(np.searchsorted(vocab, asked), 0, len(vocab) - 1)
    return np.where(vocab[pos] == asked, values[pos], 0.0)


def _tag_affinity(tags: Sequence[Sequence[str]], table: Mapping[str, float]) -> np.ndarray:
    counts = np.fromiter((len(t) for t in tags), dtype=np.int64, count=len(tags))
    if not table or counts.sum() == 0:
        return np.zeros(len(tags))
    flat = [tag for item in tags for tag in item]
    per_tag = _lookup(flat, table)
    owner = np.repeat(np.arange(len(tags)), counts)
    return np.bincount(owner, weights=per_tag, minlength=len(tags))


def _tag_lift(tags: Sequence[Sequence[str]], member: Mapping[str, float], community: Mapping[str, float]) -> np.ndarray:
    """The largest, over the item's tags, of the member's share of a tag over the community's share of it: a
    member who engages with a rare tag says more than one who follows the crowd's commonest tag."""
    counts = np.fromiter((len(t) for t in tags), dtype=np.int64, count=len(tags))
    out = np.zeros(len(tags))
    if not member or counts.sum() == 0:
        return out
    flat = [tag for item in tags for tag in item]
    lift = _lookup(flat, member) / (_lookup(flat, community) + TAG_LIFT_SMOOTHING)
    owner = np.repeat(np.arange(len(tags)), counts)
    np.maximum.at(out, owner, lift)
    return out


def _text_similarity(candidates: Any, history: Any, counts: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of each candidate's TF-IDF row with the member's profile (the mean of their history's rows), and
    with the single closest item of that history. `counts`: how many engagements each history row stands for."""
    n = candidates.shape[0]
    if counts is not None:
        history, counts = _counted(history, counts)
    if history is None or history.shape[0] == 0:
        return np.zeros(n), np.zeros(n)
    # On the few columns either side uses, densely: the hashed space has 2**18 columns, and sparse products over
    # it convert formats at a cost that grows with the column count, not with the words involved.
    columns = np.union1d(candidates.indices, history.indices)
    wanted = _compact(candidates, columns).astype(np.float64)
    seen = _compact(history, columns).astype(np.float64)
    sims = wanted @ seen.T
    profile = seen.sum(axis=0) if counts is None else counts.astype(np.float64) @ seen
    norm = float(np.linalg.norm(profile))
    centroid = wanted @ (profile / norm if norm > 0 else profile)
    return centroid, sims.max(axis=1)


def _compact(rows: Any, columns: np.ndarray) -> np.ndarray:
    """`rows` (CSR) as a dense array over `columns` only (sorted, holding every column `rows` uses)."""
    dense = np.zeros((rows.shape[0], len(columns)), dtype=rows.dtype)
    owner = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
    np.add.at(dense, (owner, np.searchsorted(columns, rows.indices)), rows.data)
    return dense


def _fill_member(x: np.ndarray, member: MemberState) -> None:
    """The member's own columns, constant down the matrix."""
    col = FEATURE_INDEX
    x[:, col["member_tier"]] = tier_code(member.tier)
    x[:, col["member_tenure_days"]] = member.tenure_days
    x[:, col["member_recency_days"]] = member.recency_days
    x[:, col["member_frequency_30d"]] = member.frequency_30d
    x[:, col["member_engagement_30d"]] = member.engagement_30d
    x[:, col["member_history_size"]] = member.history_size
    x[:, col["member_answer_share"]] = member.answer_share
    x[:, col["member_typical_age_days"]] = member.typical_age_days


def build_matrix(member: MemberState, candidates: CandidateColumns, context: DecisionContext) -> np.ndarray:
    """The feature matrix, one row per candidate, columns in `FEATURES` order (float32)."""
    n = len(candidates)
    x = np.empty((n, len(FEATURES)), dtype=np.float32)
    col = FEATURE_INDEX
    _fill_member(x, member)
    if n == 0:
        return x
    kinds = np.array(candidates.kinds, dtype=object)
    x[:, col["content_kind"]] = _lookup(list(kinds), {k: float(v) for k, v in KIND_CODE.items()})
    impressions = np.asarray(candidates.impressions, dtype=float)
    x[:, col["content_age_days"]] = np.maximum(candidates.age_days, 0.0)
    x[:, col["content_popularity"]] = np.log1p(np.maximum(candidates.engagement, 0.0))
    x[:, col["content_popularity_7d"]] = np.log1p(np.maximum(candidates.engagement_7d, 0.0))
    x[:, col["content_last_activity_days"]] = np.maximum(candidates.last_activity_days, 0.0)
    x[:, col["content_open_rate"]] = (candidates.opens + PRIOR_STRENGTH * PRIOR_OPEN_RATE) / (
        impressions + PRIOR_STRENGTH
    )
    x[:, col["content_engagement_rate"]] = (candidates.engagement + PRIOR_STRENGTH * PRIOR_ENGAGEMENT_RATE) / (
        impressions + PRIOR_STRENGTH
    )
    tier_table = {t: float(i) for i, t in enumerate(TIER_ORDER)}
    known_tier = np.array([t in tier_table for t in candidates.author_tiers])
    x[:, col["content_author_tier"]] = np.where(known_tier, _lookup(candidates.author_tiers, tier_table), np.nan)
    x[:, col["content_exposure_boost"]] = candidates.exposure_boost
    x[:, col["context_slot"]] = SLOT_CODE.get(context.slot, -1)
    x[:, col["context_scene"]] = SCENE_CODE.get(context.scene, -1)
    x[:, col["context_weekday"]] = context.weekday
    x[:, col["context_local_hour"]] = context.local_hour
    x[:, col["cross_tag_affinity"]] = _tag_affinity(candidates.tags, member.tag_affinity)
    x[:, col["cross_author_affinity"]] = _lookup(candidates.author_ids, member.author_affinity)
    x[:, col["cross_kind_affinity"]] = _lookup(list(kinds), member.kind_affinity)
    x[:, col["cross_own_content"]] = np.array(candidates.author_ids, dtype=object) == member.member_id
    nan = np.full(n, np.nan)
    answers = candidates.answers
    x[:, col["content_answers"]] = nan if answers is None else np.log1p(np.maximum(answers, 0.0))
    recent = candidates.engagement_1d
    x[:, col["content_engagement_1d"]] = nan if recent is None else np.log1p(np.maximum(recent, 0.0))
    x[:, col["cross_tag_lift"]] = (
        _tag_lift(candidates.tags, member.tag_affinity, context.tag_shares) if context.tag_shares else nan
    )
    if candidates.text_rows is not None and member.text_history is not None:
        centroid, closest = _text_similarity(candidates.text_rows, member.text_history, member.text_counts)
        x[:, col["cross_text_similarity"]] = centroid
        x[:, col["cross_text_max"]] = closest
    else:
        x[:, col["cross_text_similarity"]] = nan
        x[:, col["cross_text_max"]] = nan
    # The candidate's age against the ages this member engages at, on a log scale (NaN without history).
    x[:, col["cross_age_gap"]] = np.log1p(np.maximum(candidates.age_days, 0.0)) - member_log_age(member)
    return x


def shares(keys: Sequence[str], weights: Sequence[float] | None = None) -> dict[str, float]:
    """Each key's share of the total weight: how a member's history becomes an affinity table.

    Summed in a dict rather than with `np.unique` over an object array (a slot run makes three tables per member:
    the sort of a few dozen strings cost more than the rest of the member's state); the same numbers as before,
    bit for bit: each key's weights added in order, the total summed over the keys in sorted order."""
    totals: dict[str, float] = {}
    if weights is None:
        for key in keys:
            totals[key] = totals.get(key, 0.0) + 1.0
    else:
        for key, weight in zip(keys, np.asarray(weights, dtype=float).tolist(), strict=True):
            totals[key] = totals.get(key, 0.0) + weight
    return shares_of(totals)


def shares_of(totals: Mapping[str, float]) -> dict[str, float]:
    """`shares` from each key's total weight (summed in the order the weights came): for a caller that sums
    several tables in one pass."""
    if not totals:
        return {}
    vocab = sorted(totals)
    total = float(np.array([totals[k] for k in vocab]).sum())
    return {str(k): round(totals[k] / total, 6) for k in vocab} if total > 0 else {}


@dataclass(frozen=True)
class ItemBlock:
    """A pool's candidates and context as `build_matrix` sees them, prepared once for every member ranked over
    the pool: the item and context columns filled, and tags, authors and kinds as integer codes so that each
    member's cross columns are array lookups rather than string searches."""

    x: np.ndarray
    tag_vocab: Mapping[str, int]
    tag_codes: np.ndarray  # the pool's tags, flattened, as codes
    tag_owner: np.ndarray  # the row of each flattened tag
    community_share: np.ndarray | None  # per tag code: the community's share (None: unknown, lift is NaN)
    author_vocab: Mapping[str, int]
    author_codes: np.ndarray  # per row (a missing author is "")
    kind_vocab: Mapping[str, int]
    kind_codes: np.ndarray
    log_age: np.ndarray
    text_words: Any  # the pool's text by word: its rows transposed (scipy CSR, words x rows, float64), or None

    def __len__(self) -> int:
        return len(self.x)


def _codes(keys: Sequence[str]) -> tuple[dict[str, int], np.ndarray]:
    vocab: dict[str, int] = {}
    codes = np.fromiter((vocab.setdefault(k, len(vocab)) for k in keys), dtype=np.int64, count=len(keys))
    return vocab, codes


def item_block(candidates: CandidateColumns, context: DecisionContext) -> ItemBlock:
    """The pool's side of the matrix (`build_matrix` with no member), and its codes."""
    x = build_matrix(MemberState(member_id=""), candidates, context)
    flat = [tag for item in candidates.tags for tag in item]
    counts = np.fromiter((len(t) for t in candidates.tags), dtype=np.int64, count=len(candidates))
    tag_vocab, tag_codes = _codes(flat)
    community = None
    if context.tag_shares:
        community = np.array([context.tag_shares.get(t, 0.0) for t in tag_vocab], dtype=float)
    author_vocab, author_codes = _codes([a if a is not None else "" for a in candidates.author_ids])
    kind_vocab, kind_codes = _codes(list(candidates.kinds))
    text = candidates.text_rows
    return ItemBlock(
        x=x,
        tag_vocab=tag_vocab,
        tag_codes=tag_codes,
        tag_owner=np.repeat(np.arange(len(candidates)), counts),
        community_share=community,
        author_vocab=author_vocab,
        author_codes=author_codes,
        kind_vocab=kind_vocab,
        kind_codes=kind_codes,
        log_age=np.log1p(np.maximum(np.asarray(candidates.age_days, dtype=float), 0.0)),
        text_words=None if text is None else text.T.astype(np.float64).tocsr(),
    )


def _per_code(vocab: Mapping[str, int], table: Mapping[str, float]) -> np.ndarray:
    """table's values laid out by code (0 for a code the table lacks)."""
    out = np.zeros(len(vocab) + 1)  # one spare slot: code -1 reads 0
    for key, value in table.items():
        code = vocab.get(key)
        if code is not None:
            out[code] = value
    return out


def member_matrix(
    block: ItemBlock, member: MemberState, rows: np.ndarray, text: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """`build_matrix(member, candidates.take(rows), context)`, from the pool's prepared block: the same values
    (to float rounding in the text cosines), at a small part of the cost. `text`: the member's
    `pool_text_similarity` with this block if the caller kept it (the same numbers, taken at `rows`)."""
    x = block.x[rows]
    col = FEATURE_INDEX
    _fill_member(x, member)
    n_pool = len(block)
    if len(rows) == 0:
        return x
    tag_share = _per_code(block.tag_vocab, member.tag_affinity)[block.tag_codes]
    affinity = np.bincount(block.tag_owner, weights=tag_share, minlength=n_pool)
    x[:, col["cross_tag_affinity"]] = affinity[rows]
    x[:, col["cross_author_affinity"]] = _per_code(block.author_vocab, member.author_affinity)[block.author_codes[rows]]
    x[:, col["cross_kind_affinity"]] = _per_code(block.kind_vocab, member.kind_affinity)[block.kind_codes[rows]]
    own = block.author_vocab.get(member.member_id, -1) if member.member_id else -1
    x[:, col["cross_own_content"]] = block.author_codes[rows] == own
    if block.community_share is None:
        x[:, col["cross_tag_lift"]] = np.nan
    else:
        lift = np.zeros(n_pool)
        if member.tag_affinity and len(block.tag_codes):
            np.maximum.at(
                lift, block.tag_owner, tag_share / (block.community_share[block.tag_codes] + TAG_LIFT_SMOOTHING)
            )
        x[:, col["cross_tag_lift"]] = lift[rows]
    if block.text_words is not None and member.text_history is not None:
        if text is None:
            centroid, closest = _pool_text_similarity(block.text_words, member.text_history, rows, member.text_counts)
        else:
            centroid, closest = text[0][rows], text[1][rows]
        x[:, col["cross_text_similarity"]] = centroid
        x[:, col["cross_text_max"]] = closest
    else:
        x[:, col["cross_text_similarity"]] = np.nan
        x[:, col["cross_text_max"]] = np.nan
    x[:, col["cross_age_gap"]] = block.log_age[rows] - member_log_age(member)
    return x


def pool_text_similarity(block: ItemBlock, member: MemberState) -> tuple[np.ndarray, np.ndarray] | None:
    """The member's text cosines (centroid, closest) with every item of the block, as `member_matrix` computes
    them for its rows (None: no text on one side)."""
    if block.text_words is None or member.text_history is None:
        return None
    return _pool_text_similarity(block.text_words, member.text_history, np.arange(len(block)), member.text_counts)


def _counted(history: Any, counts: np.ndarray) -> tuple[Any, np.ndarray]:
    """The history's rows that stand for at least one engagement, and their counts."""
    counts = np.asarray(counts)
    if counts.all():
        return history, counts
    kept = np.flatnonzero(counts)
    return history[kept], counts[kept]


def _pool_text_similarity(
    pool_words: Any, history: Any, rows: np.ndarray, counts: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """`_text_similarity` of the pool's `rows` with the member's history: one sparse product of the history's rows
    with the pool's text by word (prepared once per pool), whose cost is the words the two share; the centroid's
    cosine from the same products (the profile is the history's sum, so the pool's products with it are the row
    sums of theirs). Cutting the history's columns out of the pool for every member cost ~3x more at a history of
    100 items. `counts`: how many engagements each history row stands for (an item engaged with again is one row,
    its product computed once and counted as often in the centroid). The same values to float rounding."""
    n = len(rows)
    if counts is not None:
        history, counts = _counted(history, counts)
    if history.shape[0] == 0:
        return np.zeros(n), np.zeros(n)
    seen = history.data.astype(np.float64)
    sims = _history_products(history, seen, pool_words)  # history x pool: reduced down its columns, then taken
    _, word = np.unique(history.indices, return_inverse=True)
    weighted = seen if counts is None else seen * np.repeat(counts, np.diff(history.indptr))
    norm = float(np.sqrt(np.square(np.bincount(word, weights=weighted)).sum()))
    total = (sims.sum(axis=0) if counts is None else counts.astype(np.float64) @ sims)[rows]
    return (total / norm if norm > 0 else total), sims.max(axis=0)[rows]


def _history_products(history: Any, seen: np.ndarray, pool_words: Any) -> np.ndarray:
    """`(history @ pool_words).toarray()` (history's values `seen`, float64), straight on the CSR arrays with
    scipy's own kernels: `@` first counts the product's nonzeros in a symbolic pass as long as the product itself,
    and checks formats and index types on every call; the dense result bounds the nonzeros instead."""
    h, n = history.shape[0], pool_words.shape[1]
    indptr, indices = history.indptr, history.indices
    if indices.dtype != pool_words.indices.dtype or indptr.dtype != pool_words.indptr.dtype:
        indptr, indices = indptr.astype(pool_words.indptr.dtype), indices.astype(pool_words.indices.dtype)
    out_indptr = np.empty(h + 1, dtype=indptr.dtype)
    out_indices = np.empty(h * n, dtype=indices.dtype)
    out_data = np.empty(h * n)
    _sparsetools.csr_matmat(
        h,
        n,
        indptr,
        indices,
        seen,
        pool_words.indptr,
        pool_words.indices,
        pool_words.data,
        out_indptr,
        out_indices,
        out_data,
    )
    dense = np.zeros((h, n))
    _sparsetools.csr_todense(h, n, out_indptr, out_indices, out_data, dense)
    return dense
