"""One ranking decision, as the feed and slot runs make it: candidates, features, model, diversity, and the
decision log that answers "why did I get this?" (and is the training data of the next model)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import ContentSummary
from distribution_service.domain import exposure
from distribution_service.domain.decision_log import id_bytes, packed_arrays
from distribution_service.domain.diversity import TOP as DIVERSITY_TOP
from distribution_service.domain.diversity import diversify, diversify_prefix
from distribution_service.domain.experiment_enums import Channel
from distribution_service.domain.experiments import TREATMENT, arm
from distribution_service.domain.honeycomb import EventType, Scene, Slot
from distribution_service.domain.interleaving import team_draft
from distribution_service.domain.labels import grade
from distribution_service.ranking.base import Candidate, RankingContext
from distribution_service.ranking.dataset import ALIVE_DAYS as TRAINING_ALIVE_DAYS
from distribution_service.ranking.features import (
    VELOCITY_DAYS,
    CandidateColumns,
    DecisionContext,
    MemberState,
    item_block,
    member_matrix,
    popularity_window_start,
    recent_window_start,
)
from distribution_service.ranking.heuristic import HeuristicRanker
from distribution_service.ranking.history import STRONGEST_GRADE
from distribution_service.ranking.member_features import HISTORY_LIMIT
from distribution_service.ranking.model import RankingModel, top_contributions
from distribution_service.ranking.registry import ModelRegistry, ServingModels
from distribution_service.service.candidates import (
    Interests,
    SourceIndex,
    batch_asks,
    interests,
    member_rows,
    merge_sources,
    source_quotas,
    sources_of,
)
from distribution_service.service.feature_inputs import FeatureInputs
from distribution_service.service.member_state import aware as _aware
from distribution_service.service.member_state import member_state
from distribution_service.service.push_reasons import AT_READ
from distribution_service.service.ranker_arms import RankerArms, RankerPlan
from distribution_service.service.relations import RelationsService
from distribution_service.service.source_cache import SourceCache
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.decisions import interleaving_version
from users_service.client import UsersClient

CANDIDATE_POOL = 500
# The event types training counts as an item's strongest grade (content_answers): answers and shares.
STRONGEST_TYPES = tuple(t.value for t in EventType if grade(t) >= STRONGEST_GRADE)
# A decision reads the member's last HISTORY_LIMIT engagements (RANKING_HISTORY_LIMIT setting; training's
# member features read as many, ranking/member_features.py): their features and the items left out as seen. An
# item engaged with before those is dead to the alive rule long since, or may be offered again.
# Members whose last engagements are read concurrently, one bounded query each.
HISTORY_READS_IN_FLIGHT = 50
# Every source offers only items created or active in the last ALIVE_DAYS (RANKING_ALIVE_DAYS): training's rule.
ALIVE_DAYS = TRAINING_ALIVE_DAYS
# The community's newest items are shared by a process's decisions this long (RANKING_POOL_TTL_SECONDS).
POOL_TTL_SECONDS = 5.0
# Counters may be this old in a ranking (COUNTERS_TTL_SECONDS setting); 0 reads them on every request.
COUNTERS_TTL_SECONDS = 30.0
MAX_CACHED_COUNTERS = 50_000
# A slot run's chunks share counters up to this old (a run of 100,000 members takes minutes; its pushes rank on
# the counters as the run found them, where a feed reads them COUNTERS_TTL_SECONDS fresh).
SLOT_COUNTERS_SECONDS = 600.0
# Impressions stored per transaction (each one journaled, with its outbox entry).
IMPRESSIONS_PER_WRITE = 250
DAY = 86_400.0


@dataclass(frozen=True)
class Shown:
    content_id: str
    score: float
    position: int
    reasons: dict[str, float]
    # Which candidate sources offered the item to this member (RECENT, BOOSTED, TOPIC, FOLLOWED, AFFINE).
    sources: list[str]


@dataclass(frozen=True)
class CandidatePool:
    summaries: list[ContentSummary]
    columns: CandidateColumns
    # The community's engagement share per tag (cross_tag_lift's denominator).
    tag_shares: dict[str, float]
    timezone: str
    at: datetime
    # The candidates' ids as ObjectIds, made once for the pool rather than once per member's decision.
    object_ids: list[ObjectId]
    sources: SourceIndex
    # Per candidate, made once for every member's decision: its id as text and as ObjectId bytes (n x 12), and
    # its exposure boost's score lift.
    id_array: np.ndarray
    id_bytes: np.ndarray
    lift: np.ndarray


@dataclass(frozen=True)
class Batch:
    """Members to rank together and what their decisions read (FeedRanker.batch)."""

    pool: CandidatePool
    states: dict[str, MemberState]
    wants: dict[str, Interests]
    seen: dict[str, set[str]]
    models: ServingModels
    plans: dict[str, RankerPlan]


@dataclass(frozen=True)
class Decision:
    id: ObjectId
    model_version: str
    shown: list[Shown]


class FeedRanker:
    def __init__(
        self,
        store: DistributionStore,
        content: ContentClient,
        users: UsersClient | None,
        registry: ModelRegistry,
        relations: RelationsService,
        *,
        counters_ttl_seconds: float = COUNTERS_TTL_SECONDS,
        alive_days: float = ALIVE_DAYS,
        history_limit: int = HISTORY_LIMIT,
        pool_ttl_seconds: float = POOL_TTL_SECONDS,
    ) -> None:
        self.store = store
        self.content = content
        self.users = users
        self.registry = registry
        self.relations = relations
        self.heuristic = HeuristicRanker()
        # Set by the facade: the ranker experiments (A/B arms naming a model, interleaving); None ranks without.
        self.arms: RankerArms | None = None
        self.counters_ttl_seconds = counters_ttl_seconds
        self.alive_days = alive_days
        self.history_limit = history_limit
        self.pool_ttl_seconds = pool_ttl_seconds
        self.inputs = FeatureInputs(store, content)
        self._timezones: dict[ObjectId, str] = {}
        # The personal sources' items per tag and author, and the boosted ones, shared like the newest items.
        self.sources = SourceCache(content)
        # community -> (read at, its newest items): what every member's decision shares.
        self._newest: dict[ObjectId, tuple[float, list[ContentSummary]]] = {}
        self._newest_reads: dict[ObjectId, asyncio.Lock] = {}
        # (community, item) -> (read at, counters doc, 7-day engagement, 1-day engagement)
        self._counters: dict[tuple[ObjectId, str], tuple[float, Doc, float, float]] = {}

    async def counters(
        self, cid: ObjectId, ids: list[str], now: datetime, max_age: float | None = None
    ) -> tuple[dict[str, Doc], dict[str, float], dict[str, float]]:
        """Items' counters and 7-day engagement, cached for a few seconds: reading them for 500 items is the
        costliest part of a feed (benchmarks/ranking.py), and a ranking needs them fresh to seconds, not to
        the event. `max_age` (a slot run: its pool's age) accepts older ones than a feed does."""
        clock = time.monotonic()
        max_age = self.counters_ttl_seconds if max_age is None else max(max_age, self.counters_ttl_seconds)
        missing = [i for i in ids if clock - self._counters.get((cid, i), (-math.inf,))[0] >= max_age]
        if missing:
            oids = [ObjectId(i) for i in missing]
            stats = await self.store.events.list_item_stats(cid, oids)
            t = now.timestamp()
            starts = [popularity_window_start(t), recent_window_start(t, VELOCITY_DAYS)]
            week, day = await self.store.events.sum_engagement_windows(
                cid, oids, [datetime.fromtimestamp(s, UTC) for s in starts]
            )
            if len(self._counters) > MAX_CACHED_COUNTERS:
                self._counters = {k: v for k, v in self._counters.items() if clock - v[0] < SLOT_COUNTERS_SECONDS}
            for i in missing:
                self._counters[(cid, i)] = (clock, stats.get(i, {}), week.get(i, 0.0), day.get(i, 0.0))
        cached = [self._counters[(cid, i)] for i in ids]
        return (
            {i: c[1] for i, c in zip(ids, cached, strict=True)},
            {i: c[2] for i, c in zip(ids, cached, strict=True)},
            {i: c[3] for i, c in zip(ids, cached, strict=True)},
        )

    async def newest(self, cid: ObjectId, max_age: float | None = None) -> list[ContentSummary]:
        """The community's newest items, shared by this process's decisions for `pool_ttl_seconds` (a slot run:
        `max_age`, its whole run): content has no way to tell distribution of a publish or a boost, so a new item
        reaches feeds within that many seconds."""
        max_age = self.pool_ttl_seconds if max_age is None else max_age
        cached = self._newest.get(cid)
        if cached is not None and time.monotonic() - cached[0] < max_age:
            return cached[1]
        # One read per community at a time: concurrent decisions wait for it rather than each reading the same.
        async with self._newest_reads.setdefault(cid, asyncio.Lock()):
            cached = self._newest.get(cid)
            clock = time.monotonic()
            if cached is not None and clock - cached[0] < max_age:
                return cached[1]
            items = await self.content.candidates(str(cid), limit=CANDIDATE_POOL)
            self._newest[cid] = (clock, items)
            return items

    async def last_engagements(self, cid: ObjectId, mids: list[ObjectId]) -> dict[str, list[Doc]]:
        """Each member's last `history_limit` engagements, newest first: from the members' member_recent documents
        (point lookups, whatever their history; they trail recorded events by the ingest lag), and for members
        with none yet, bounded reads of their events, a few dozen in flight."""
        kept = await self.store.events.list_member_recent(cid, mids, limit=self.history_limit)
        found: dict[str, list[Doc]] = {m: docs for m, docs in (kept or {}).items() if docs}
        missing = mids if kept is None else [m for m in mids if str(m) not in kept]
        for lo in range(0, len(missing), HISTORY_READS_IN_FLIGHT):
            chunk = missing[lo : lo + HISTORY_READS_IN_FLIGHT]
            reads = [self.store.events.list_last_engagements(cid, m, limit=self.history_limit) for m in chunk]
            for mid, docs in zip(chunk, await asyncio.gather(*reads), strict=True):
                if docs:
                    found[str(mid)] = docs
        return found

    async def timezone(self, cid: ObjectId) -> str:
        if cid not in self._timezones:
            tz = "UTC"
            if self.users is not None:
                tz = (await self.users.get_community(str(cid))).timezone
            self._timezones[cid] = tz
        return self._timezones[cid]

    @staticmethod
    def _columns(
        summaries: list[ContentSummary],
        now: datetime,
        stats: dict[str, Doc],
        recent: dict[str, float],
        day: dict[str, float],
        text_rows: Any,
    ) -> CandidateColumns:
        """The candidates' columns as training computes them at `now` (ranking/history.py `columns_at`). Authors'
        tiers are not known as of a past moment, so training has none: neither does serving."""
        t = now.timestamp()
        published = np.array([_aware(s.published_at).timestamp() for s in summaries])
        last = np.array(
            [
                _aware(stats[s.id]["last_at"]).timestamp() if s.id in stats and stats[s.id].get("last_at") else 0.0
                for s in summaries
            ]
        )
        counts = [stats.get(s.id, {}).get("counts", {}) for s in summaries]
        return CandidateColumns(
            content_ids=[s.id for s in summaries],
            kinds=[s.kind.value for s in summaries],
            author_ids=[s.author_id for s in summaries],
            tags=[tuple(s.tags) for s in summaries],
            age_days=(t - published) / DAY,
            impressions=np.array([c.get("IMPRESSION", 0) for c in counts], dtype=float),
            opens=np.array([c.get("OPEN", 0) + c.get("CLICK", 0) for c in counts], dtype=float),
            engagement=np.array([float(stats.get(s.id, {}).get("engagement", 0.0)) for s in summaries]),
            engagement_7d=np.array([recent.get(s.id, 0.0) for s in summaries]),
            last_activity_days=(t - np.maximum(last, published)) / DAY,
            author_tiers=[None] * len(summaries),
            exposure_boost=np.array([s.exposure_boost for s in summaries], dtype=float),
            answers=np.array([float(sum(c.get(e, 0) for e in STRONGEST_TYPES)) for c in counts]),
            engagement_1d=np.array([day.get(s.id, 0.0) for s in summaries]),
            text_rows=text_rows,
        )

    async def pool(
        self,
        cid: ObjectId,
        recent: list[ContentSummary],
        *,
        members: list[str],
        interests: Sequence[Interests] = (),
        now: datetime | None = None,
        max_age: float | None = None,
    ) -> CandidatePool:
        """The candidates of every source for these members (`recent`: the community's newest items), with their
        counters, text rows and the community's tag shares: built once and shared by a slot run's chunk of members
        (a feed builds one for one)."""
        now = now or datetime.now(UTC)
        tags, authors = batch_asks(interests)
        per_source, per_key = source_quotas(len(members), len(tags), len(authors))
        counters_age = None if max_age is None else min(max_age, SLOT_COUNTERS_SECONDS)
        max_age = self.pool_ttl_seconds if max_age is None else max_age
        found = await self.sources.sources(cid, tags, authors, per_source=per_source, per_key=per_key, max_age=max_age)
        offered = list(dict.fromkeys(s.id for s in [*recent, *found.boosted, *found.by_tag, *found.by_author]))
        stats, recent_engagement, day_engagement = await self.counters(cid, offered, now, counters_age)

        anchor = activity_anchor(recent, stats, now)

        def alive(items: Sequence[ContentSummary]) -> list[ContentSummary]:
            # Every source, boosted ones included, obeys the rule training's candidate pools are built with.
            return [s for s in items if is_alive(s, stats.get(s.id, {}), anchor, self.alive_days)]

        summaries, index = merge_sources(
            alive(recent), alive(found.boosted), alive(found.by_tag), alive(found.by_author), asked_tags=tags
        )
        text_rows = await self.inputs.text_rows(cid, [s.id for s in summaries])
        columns = self._columns(summaries, now, stats, recent_engagement, day_engagement, text_rows)
        tag_shares = await self.inputs.tag_shares(cid)
        timezone = await self.timezone(cid)
        object_ids = [ObjectId(s.id) for s in summaries]
        return CandidatePool(
            summaries,
            columns,
            tag_shares,
            timezone,
            now,
            object_ids,
            index,
            id_array=np.array([s.id for s in summaries], dtype=object),
            id_bytes=id_bytes(object_ids),
            lift=exposure.log_boost(columns.exposure_boost),
        )

    async def decide(
        self,
        cid: ObjectId,
        member_id: str,
        slot: Slot,
        scene: Scene,
        *,
        first: int,
        source: str,
        reasons: bool = True,
    ) -> Decision:
        (decision,) = await self.decide_many(cid, [member_id], slot, scene, first=first, source=source, reasons=reasons)
        return decision

    async def decide_many(
        self,
        cid: ObjectId,
        member_ids: list[str],
        slot: Slot,
        scene: Scene,
        *,
        first: int,
        source: str,
        reasons: bool = True,
        pool_max_age: float | None = None,
        contributions_at_read: bool = False,
    ) -> list[Decision]:
        """One decision per member over a shared pool, read and written in a few batched round trips; the
        scoring itself (features, predict, explanations, diversity) runs in a worker thread, off the event loop.
        `reasons=False` skips the explanations (`pred_contrib`, the costliest part of a model's decision);
        `contributions_at_read` leaves a model's to whoever reads the decision (a slot run: the inbox)."""
        channel = Channel.FEED if source == "feed" else Channel.PUSH
        batch = await self.batch(cid, member_ids, channel, pool_max_age)
        decisions, decision_docs, impressions = await asyncio.to_thread(
            self._rank_all,
            cid,
            batch,
            member_ids,
            slot,
            scene,
            first,
            source,
            reasons,
            contributions_at_read,
        )
        await self.store.decisions.insert_decisions(decision_docs)
        # In bounded transactions, side by side: the server reaps a transaction after a few seconds (a slot
        # chunk's thousand impressions in one did not commit in time on a loaded machine), and concurrent writers
        # share the journal's flush.
        await asyncio.gather(
            *(
                self.store.events.insert_events(impressions[lo : lo + IMPRESSIONS_PER_WRITE])
                for lo in range(0, len(impressions), IMPRESSIONS_PER_WRITE)
            )
        )
        if self.arms is not None:
            await self.arms.record(cid, batch.plans, channel)
        return decisions

    async def batch(
        self, cid: ObjectId, member_ids: list[str], channel: Channel, pool_max_age: float | None = None
    ) -> Batch:
        """What ranking these members reads: their histories, interests and rankers, and the pool they share."""
        mids = [ObjectId(m) for m in member_ids]
        now = datetime.now(UTC)
        # Independent reads, concurrently: histories, follows and blocks, the newest items.
        history_docs, relations, recent, models = await asyncio.gather(
            self.last_engagements(cid, mids),
            self.relations.author_relations(cid, member_ids),
            self.newest(cid, pool_max_age),
            self.registry.serving_models(cid),
        )
        seen = {m: {str(d["content_id"]) for d in docs} for m, docs in history_docs.items()}
        engaged = await self.inputs.engagements(cid, history_docs, now)
        states = {m: member_state(m, engaged.get(m), now, limit=self.history_limit) for m in member_ids}
        wants = {
            m: interests(
                states[m],
                follows=relations[m].follows if m in relations else [],
                blocks=relations[m].blocks if m in relations else [],
            )
            for m in member_ids
        }
        pool = await self.pool(
            cid, recent, members=member_ids, interests=list(wants.values()), now=now, max_age=pool_max_age
        )
        plans = await self.arms.plans(cid, member_ids, channel, models.active) if self.arms else {}
        return Batch(pool, states, wants, seen, models, plans)

    def _rank_all(
        self,
        cid: ObjectId,
        batch: Batch,
        member_ids: list[str],
        slot: Slot,
        scene: Scene,
        first: int,
        source: str,
        reasons: bool,
        contributions_at_read: bool = False,
    ) -> tuple[list[Decision], list[Doc], list[Doc]]:
        """Every member's decision over the pool: CPU only (no I/O), so it runs in a worker thread.

        The pool's item columns are prepared once (`item_block`); each member's matrix adds their own columns;
        the members' matrices are scored stacked, one predict per model (LightGBM costs far less per row on one
        large matrix than on many small ones). One member alone goes through the very same steps, so a feed
        ranks exactly as a slot run would rank the same member over the same pool."""
        pool, states, wants, seen, models, plans = (
            batch.pool,
            batch.states,
            batch.wants,
            batch.seen,
            batch.models,
            batch.plans,
        )
        local = pool.at.astimezone(ZoneInfo(pool.timezone))
        context = DecisionContext(
            slot.value, scene.value, local.weekday(), local.hour + local.minute / 60.0, tag_shares=pool.tag_shares
        )
        block = item_block(pool.columns, context)
        jobs: list[_Job] = []
        for member_id in member_ids:
            experiment_arm: str | None = None
            model = models.active
            if models.experiment is not None:
                experiment_arm = arm(member_id, models.experiment.version, models.traffic)
                model = models.experiment if experiment_arm == TREATMENT else models.active
            plan = (plans or {}).get(member_id)
            partner: tuple[RankingModel | None] | None = None
            if plan is not None:
                model = plan.model
                partner = (plan.partner,) if plan.interleaving else None
            # The items of the member's last engagements; those outside the pool are simply not there to leave out.
            rows = member_rows(pool.sources, wants[member_id], seen.get(member_id, set()), own=member_id)
            x = member_matrix(block, states[member_id], rows)
            jobs.append(_Job(member_id, rows, x, model, partner, experiment_arm, plan))
        scores = _stacked_scores([j.x for j in jobs], [j.model for j in jobs])
        shadow = models.shadow
        shadow_scores = _stacked_scores([j.x for j in jobs], [shadow] * len(jobs)) if shadow else [None] * len(jobs)
        decisions: list[Decision] = []
        decision_docs: list[Doc] = []
        impressions: list[Doc] = []
        for job, raw, shadow_raw in zip(jobs, scores, shadow_scores, strict=True):
            mid = ObjectId(job.member_id)
            decision, doc, shown_docs = self._rank(
                pool,
                states[job.member_id],
                wants[job.member_id],
                job.rows,
                job.x,
                raw,
                shadow_raw,
                slot,
                scene,
                first,
                source,
                job.model,
                shadow,
                reasons,
                job.partner,
                contributions_at_read,
            )
            plan = job.plan
            doc["experiment_arm"] = job.experiment_arm
            doc["experiment_version"] = models.experiment.version if models.experiment else None
            if plan is not None:
                experiment_id = plan.assigned.experiment["_id"]
                doc["experiments"] = [{"id": experiment_id, "arm": plan.assigned.arm_doc["name"]}]
                if plan.interleaving:
                    doc["experiment_version"] = interleaving_version(experiment_id)
                    doc["interleaving"]["experiment_id"] = experiment_id
            doc.update({"community_id": cid, "member_id": mid})
            for d in shown_docs:
                d.update({"community_id": cid, "member_id": mid})
            decisions.append(decision)
            decision_docs.append(doc)
            impressions += shown_docs
        return decisions, decision_docs, impressions

    def _rank(
        self,
        pool: CandidatePool,
        member: MemberState,
        wants: Interests,
        keep: np.ndarray,
        x: np.ndarray,
        model_scores: np.ndarray | None,
        shadow_scores: np.ndarray | None,
        slot: Slot,
        scene: Scene,
        first: int,
        source: str,
        active: RankingModel | None,
        shadow: RankingModel | None,
        explain: bool = True,
        partner: tuple[RankingModel | None] | None = None,
        contributions_at_read: bool = False,
    ) -> tuple[Decision, Doc, list[Doc]]:
        """Diversify and explain one member's scored candidates; the decision log and impressions to write.
        `contributions_at_read`: a model's contributions are left to whoever reads the decision (the inbox)."""
        now = pool.at
        ids = pool.id_array[keep]
        ages = np.asarray(pool.columns.age_days)[keep]
        authors = [pool.columns.author_ids[i] for i in keep.tolist()]
        heuristic_reasons: dict[int, dict[str, float]] = {}
        lift = pool.lift[keep]
        summaries: list[ContentSummary] = []
        if active is not None and model_scores is not None:
            scores = model_scores + lift
            version = active.version
        else:
            summaries = [pool.summaries[i] for i in keep.tolist()]
            raw, heuristic_reasons = self._heuristic(
                summaries, pool.columns.take(keep), member.member_id, slot, scene, now
            )
            scores = raw + lift
            version = self.heuristic.version
        decision_id = ObjectId()
        teams: dict[str, str] = {}
        if partner is None:
            head = diversified_head(scores, ids, ages, authors, first)
        else:
            # Team draft between this ranker (team A) and the partner (team B), seeded by the decision.
            (other,) = partner
            summaries = summaries or [pool.summaries[i] for i in keep.tolist()]
            other_scores = lift + (
                other.score(x)
                if other is not None
                else self._heuristic(summaries, pool.columns.take(keep), member.member_id, slot, scene, now)[0]
            )
            order = diversify(best_order(scores, ids, ages), authors)
            other_order = diversify(best_order(other_scores, ids, ages), authors)
            picked = team_draft([str(i) for i in order], [str(i) for i in other_order], first, str(decision_id))
            head = [int(i) for i, _ in picked]
            teams = {str(ids[int(i)]): team for i, team in picked}
        if not explain or (contributions_at_read and active is not None):
            reasons: dict[int, dict[str, float]] = {i: {} for i in head}
        elif active is not None and head:
            contributions = active.contributions(x[head])
            reasons = {i: top_contributions(contributions[k]) for k, i in enumerate(head)}
        else:
            reasons = {i: heuristic_reasons.get(i, {}) for i in head}
        if explain and not (contributions_at_read and active is not None):
            for i in head:
                if lift[i]:
                    reasons[i] = {**reasons[i], exposure.REASON: round(float(lift[i]), 6)}
        shown = [
            Shown(
                str(ids[i]),
                round(float(scores[i]), 6),
                pos,
                reasons[i],
                sources_of(pool.sources, int(keep[i]), pool.summaries[int(keep[i])], wants),
            )
            for pos, i in enumerate(head)
        ]
        shadow_ranking: list[str] = []
        if shadow is not None and shadow_scores is not None and len(x):
            shadow_order = diversified_head(shadow_scores + lift, ids, ages, authors, first)
            shadow_ranking = [str(ids[i]) for i in shadow_order]
        doc: Doc = {
            "_id": decision_id,
            "slot": slot.value,
            "scene": scene.value,
            "at": now,
            "source": source,
            "model_version": version,
            "shadow_version": shadow.version if shadow else None,
            "shadow_ranking": shadow_ranking,
            **({"interleaving": {"teams": teams}} if partner is not None else {}),
            # A model's contributions left to the reader (service/push_reasons.py).
            **({AT_READ: True} if explain and contributions_at_read and active is not None else {}),
            **packed_arrays(pool.id_bytes[keep], x, scores),
            "shown": [
                {
                    "content_id": ObjectId(s.content_id),
                    "position": s.position,
                    "score": s.score,
                    "reasons": s.reasons,
                    "sources": s.sources,
                }
                for s in shown
            ],
        }
        impressions: list[Doc] = []
        for s in shown:
            item = pool.summaries[int(keep[head[s.position]])]
            impressions.append(
                {
                    "content_id": ObjectId(s.content_id),
                    "type": EventType.IMPRESSION.value,
                    "slot": slot.value,
                    "scene": scene.value,
                    "occurred_at": now,
                    "received_at": now,
                    "decision_id": decision_id,
                    "position": s.position,
                    "model_version": version,
                    "features": [float(v) for v in x[head[s.position]]],
                    "tags": item.tags,
                    "author_id": item.author_id,
                    "kind": item.kind.value,
                }
            )
        return Decision(decision_id, version, shown), doc, impressions

    def _heuristic(
        self,
        summaries: list[ContentSummary],
        columns: CandidateColumns,
        member_id: str,
        slot: Slot,
        scene: Scene,
        now: datetime,
    ) -> tuple[np.ndarray, dict[int, dict[str, float]]]:
        """The fallback scorer's scores and its own explained parts, indexed like the candidates."""
        candidates = [
            Candidate(
                content_id=s.id,
                kind=s.kind.value,
                author_id=s.author_id,
                tags=tuple(s.tags),
                published_at=_aware(s.published_at),
                engagement=float(columns.engagement[i]),
                impressions=int(columns.impressions[i]),
            )
            for i, s in enumerate(summaries)
        ]
        index = {s.id: i for i, s in enumerate(summaries)}
        context = RankingContext("", member_id, slot, scene, now)
        scores = np.zeros(len(summaries))
        reasons: dict[int, dict[str, float]] = {}
        for scored in self.heuristic.rank(candidates, context):
            scores[index[scored.content_id]] = scored.score
            reasons[index[scored.content_id]] = scored.contributions
        return scores, reasons


def best_order(scores: np.ndarray, ids: np.ndarray, ages: np.ndarray, size: int | None = None) -> list[int]:
    """Candidates by score, best first; with `size`, only the first `size` of that order (and any tied with the
    last of them). A tree model gives one score to every item that falls in the same leaves (new items with no
    engagement yet differ only by minutes of age): equal scores go newest first, then by id, so a tie is broken
    the same way on every replica and never against today's content."""
    n = len(scores)
    if size is None or size >= n:
        return np.lexsort((ids, ages, -scores)).tolist()
    cut = np.partition(scores, n - size)[n - size]
    top = np.flatnonzero(scores >= cut)
    return top[np.lexsort((ids[top], ages[top], -scores[top]))].tolist()


def diversified_head(
    scores: np.ndarray, ids: np.ndarray, ages: np.ndarray, authors: list[str | None], first: int
) -> list[int]:
    """The first `first` of the diversified order (`diversify(best_order(...))`), sorting only a prefix of the
    candidates: four times the head to start with, more when one author crowds it."""
    size = 4 * max(first, DIVERSITY_TOP)
    while True:
        head = diversify_prefix(best_order(scores, ids, ages, size), authors, len(scores))
        if head is not None:
            return head[:first]
        size *= 4


def _stacked_scores(matrices: list[np.ndarray], models: list[RankingModel | None]) -> list[np.ndarray | None]:
    """Each matrix scored by its model (None: no model), one predict per distinct model over the stacked rows."""
    out: list[np.ndarray | None] = [None] * len(matrices)
    groups: dict[int, list[int]] = {}
    for k, model in enumerate(models):
        if model is not None:
            groups.setdefault(id(model), []).append(k)
    for members in groups.values():
        model = models[members[0]]
        assert model is not None
        parts = [matrices[k] for k in members]
        scored = model.score(np.concatenate(parts)) if sum(len(p) for p in parts) else np.zeros(0)
        bounds = np.cumsum([len(p) for p in parts])[:-1]
        for k, part in zip(members, np.split(scored, bounds), strict=True):
            out[k] = part
    return out


@dataclass(frozen=True)
class _Job:
    """One member's share of a batch: their rows of the pool, matrix and rankers."""

    member_id: str
    rows: np.ndarray
    x: np.ndarray
    model: RankingModel | None
    partner: tuple[RankingModel | None] | None
    experiment_arm: str | None
    plan: RankerPlan | None


def activity_anchor(recent: Sequence[ContentSummary], stats: dict[str, Doc], now: datetime) -> datetime:
    """The moment the alive window ends: now in a living community, its last activity in a quiet one.

    A community imported from another platform may have had no activity for years; measured from now, nothing in
    it would be alive and a newcomer's feed would be empty. Measured from its last publication or engagement (as
    training measures from each decision's own moment), its liveliest items are offered.
    """
    moments = [_aware(s.published_at) for s in recent]
    moments += [_aware(doc["last_at"]) for doc in stats.values() if doc.get("last_at") is not None]
    return min(now, max(moments)) if moments else now


def is_alive(item: ContentSummary, stats: Doc, now: datetime, days: float) -> bool:
    """Training's rule for a candidate (ranking/dataset.py): created, or engaged with, in the last `days` days."""
    since = now.timestamp() - days * DAY
    last = stats.get("last_at")
    return _aware(item.published_at).timestamp() >= since or (last is not None and _aware(last).timestamp() >= since)
