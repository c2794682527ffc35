"""One ranking decision, as the feed and slot runs make it: candidates, features, model, diversity, and the
decision log that answers "why did I get this?" (and is the training data of the next model). What a decision
reads (the pool, histories, counters) is service/pool_reader.py's."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import ContentSummary
from distribution_service.domain import exposure
from distribution_service.domain.decision_log import packed_arrays
from distribution_service.domain.diversity import TOP as DIVERSITY_TOP
from distribution_service.domain.diversity import diversify, diversify_prefix
from distribution_service.domain.experiment_enums import Channel
from distribution_service.domain.experiments import TREATMENT, arm
from distribution_service.domain.honeycomb import EventType, Scene, Slot
from distribution_service.domain.interleaving import team_draft
from distribution_service.ranking.chunk_text import chunk_text_similarity
from distribution_service.ranking.features import (
    CandidateColumns,
    DecisionContext,
    MemberState,
    member_matrix,
)
from distribution_service.ranking.heuristic import HeuristicRanker, HeuristicWeights, explained, shown_scores
from distribution_service.ranking.model import RankingModel, top_contributions
from distribution_service.ranking.registry import ModelRegistry, ServingModels
from distribution_service.service.candidates import (
    Interests,
    interests,
    member_rows,
    sources_of,
)
from distribution_service.service.decision_writer import DecisionWriter
from distribution_service.service.member_state import MemberProfiles, PoolTexts, member_state
from distribution_service.service.pool_reader import (
    ALIVE_DAYS,
    COUNTERS_TTL_SECONDS,
    HISTORY_LIMIT,
    POOL_TTL_SECONDS,
    CandidatePool,
    CandidatePoolReader,
)
from distribution_service.service.push_reasons import AT_READ
from distribution_service.service.ranker_arms import RankerArms, RankerPlan
from distribution_service.service.relations import RelationsService
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.decisions import IMPRESSIONS_COUNTED, interleaving_version
from users_service.client import UsersClient

__all__ = ["ALIVE_DAYS", "COUNTERS_TTL_SECONDS", "HISTORY_LIMIT", "POOL_TTL_SECONDS", "Decision", "FeedRanker"]


@dataclass(frozen=True)
class Shown:
    content_id: str
    score: float
    position: int
    reasons: dict[str, float]
    # Which candidate sources offered the item to this member (RECENT, BOOSTED, TOPIC, FOLLOWED, AFFINE).
    sources: list[str]


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
        heuristic_weights: HeuristicWeights | None = None,
    ) -> None:
        self.store = store
        self.content = content
        self.registry = registry
        self.relations = relations
        self.heuristic = HeuristicRanker(heuristic_weights)
        # Set by the facade: the ranker experiments (A/B arms naming a model, interleaving); None ranks without.
        self.arms: RankerArms | None = None
        # Every decision's one write, in groups under load (service/decision_writer.py).
        self.writer = DecisionWriter(store)
        # Each feed member's moment-free features, kept while their engagements are the same.
        self.profiles = MemberProfiles()
        self.texts = PoolTexts()
        # The pool, histories and counters a decision reads, with their per-process caches.
        self.reader = CandidatePoolReader(
            store,
            content,
            users,
            counters_ttl_seconds=counters_ttl_seconds,
            alive_days=alive_days,
            history_limit=history_limit,
            pool_ttl_seconds=pool_ttl_seconds,
        )

    @property
    def history_limit(self) -> int:
        return self.reader.history_limit

    @history_limit.setter
    def history_limit(self, value: int) -> None:
        self.reader.history_limit = value

    async def timezone(self, cid: ObjectId) -> str:
        return await self.reader.timezone(cid)

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
        # A feed's decision is announced to the writer while it is made: a write about to leave waits for it briefly
        # and takes it along (a slot run's chunks, large, write alone).
        with self.writer.coming(len(member_ids) if source == "feed" else 0):
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
        # The decisions and the impressions (outbox entries the ingest worker counts; the decisions are their
        # record) in one transaction, shared with the feeds that finish while another's write is on the wire.
        await self.writer.write(decision_docs, impressions)
        if self.arms is not None:
            await self.arms.record(cid, batch.plans, channel)
        return decisions

    async def batch(
        self, cid: ObjectId, member_ids: list[str], channel: Channel, pool_max_age: float | None = None
    ) -> Batch:
        """What ranking these members reads: their histories, interests and rankers, and the pool they share."""
        mids = [ObjectId(m) for m in member_ids]
        now = datetime.now(UTC)
        # Independent reads, concurrently: histories with the follows and blocks mirrored beside them (one point
        # lookup), the newest items, the models; the relation collections only for members with no mirror yet.
        mirrored: dict[str, Doc] = {}
        history_docs, recent, models = await asyncio.gather(
            self.reader.last_engagements(cid, mids, mirrored),
            self.reader.newest(cid, pool_max_age),
            self.reader.serving_models(cid, self.registry),
        )
        relations = await self.relations.of_members(cid, member_ids, mirrored)
        # A feed's member (one member) is kept: their repeated feeds reuse their columns, engagements and profile
        # while their member_recent document is unchanged; a slot run's members are read once.
        keep = len(member_ids) == 1
        made = self.reader.inputs.columns_of(cid, history_docs, keep=keep)
        engaged_ids = {m: columns.ids for m, columns in made.items()}
        seen = {m: set(ids) for m, ids in engaged_ids.items()}
        # A feed's shared pool describes its items as of its own moment, the decision's: the members' side too, so
        # the logged features are the ones training rebuilds for that moment. A slot run builds its pool now.
        if pool_max_age is None:
            now = self.reader.moment(cid, now)
        engaged = await self.reader.inputs.engagements(cid, history_docs, now, engaged_ids, keep=keep, made=made)
        states = {
            m: member_state(m, engaged.get(m), now, limit=self.reader.history_limit, profiles=self.profiles, keep=keep)
            for m in member_ids
        }
        wants = {
            m: interests(
                states[m],
                follows=relations[m].follows if m in relations else [],
                blocks=relations[m].blocks if m in relations else [],
            )
            for m in member_ids
        }
        pool = await self.reader.pool(
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

        The pool's item columns are prepared once per pool (`pool.block`); each member's matrix adds their own columns;
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
        block = pool.block(context)
        # The items of each member's last engagements; those outside the pool are simply not there to leave out.
        taken = {m: member_rows(pool.sources, wants[m], seen.get(m, set()), own=m) for m in member_ids}
        # A slot run's chunk computes its members' text cosines with the pool together (`chunk_text`); a feed's
        # member (one member) keeps theirs for their next feed over it.
        ranked = [m for m in member_ids if len(taken[m])]
        chunk_texts = (
            dict(zip(ranked, chunk_text_similarity(block, [states[m] for m in ranked]), strict=True))
            if len(member_ids) > 1
            else {m: self.texts.of(block, states[m]) for m in ranked}
        )
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
            rows = taken[member_id]
            x = member_matrix(block, states[member_id], rows, chunk_texts.get(member_id))
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
        # The candidates' authors, as the pool's array taken at `keep` (diversity reads only its head's).
        authors: list[str | None] = pool.author_array[keep].tolist()
        heuristic_parts: dict[str, np.ndarray] | None = None
        lift = pool.lift[keep]
        if active is not None and model_scores is not None:
            scores = model_scores + lift
            version = active.version
        else:
            raw, heuristic_parts = self._heuristic(pool.columns, keep, scene)
            scores = raw + lift
            version = self.heuristic.version
        decision_id = ObjectId()
        teams: dict[str, str] = {}
        if partner is None:
            head = diversified_head(scores, ids, ages, authors, first)
        else:
            # Team draft between this ranker (team A) and the partner (team B), seeded by the decision.
            (other,) = partner
            other_scores = lift + (
                other.score(x) if other is not None else self._heuristic(pool.columns, keep, scene)[0]
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
            reasons = {i: explained(heuristic_parts, i) if heuristic_parts else {} for i in head}
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
            # When it was made: `at` is its pool's moment (a feed's may be seconds earlier); labels open here.
            "made_at": datetime.now(UTC),
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
                    "content_id": pool.object_ids[int(keep[head[s.position]])],
                    "position": s.position,
                    "score": s.score,
                    "reasons": s.reasons,
                    "sources": s.sources,
                    # The item as shown: what training knows of it once deleted (the stored impression's snapshot).
                    **shown_item(pool.summaries[int(keep[head[s.position]])]),
                }
                for s in shown
            ],
            IMPRESSIONS_COUNTED: True,
        }
        # The impressions the ingest worker counts (item counters): the decision is their record, never stored as
        # events (store/decisions.py, IMPRESSIONS_COUNTED).
        impressions: list[Doc] = [
            {
                # The pool's ObjectIds, made once for every member's decision.
                "content_id": pool.object_ids[int(keep[head[s.position]])],
                "type": EventType.IMPRESSION.value,
                "occurred_at": now,
                "received_at": now,
                "decision_id": decision_id,
            }
            for s in shown
        ]
        return Decision(decision_id, version, shown), doc, impressions

    def _heuristic(
        self, columns: CandidateColumns, keep: np.ndarray, scene: Scene
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The fallback scorer's shown scores of the pool's rows `keep` and its parts (explained for the head
        only), as columns over the pool rather than one object per candidate."""
        parts = self.heuristic.parts(
            np.asarray(columns.age_days, dtype=float)[keep],
            np.asarray(columns.engagement, dtype=float)[keep],
            [columns.kinds[i] for i in keep.tolist()],
            scene.value,
        )
        return shown_scores(parts), parts


def shown_item(item: ContentSummary) -> Doc:
    """What a decision's shown entry keeps of its item (store/decisions.py's SHOWN_ITEM_FIELDS)."""
    return {"tags": item.tags, "author_id": item.author_id, "kind": item.kind.value}


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
