"""distribution_service's rules, composed: one facade over the per-concept services that routes call.

`service.events` (record, import, activity), `service.ingest` (the worker deriving counters from recorded events),
`service.feed` (feed, explain), `service.slots` (golden-slot runs, push preferences, inbox, rates),
`service.relations` (follows and blocks), `service.ranker` (one ranking decision, shared by feed and slots),
`service.registry` (the model registry), `service.experiments` (model experiment and shadow readouts),
`service.experiment_design`, `service.assignment`, `service.analysis`, `service.gray_release` and
`service.results` (experiments on anything: design, arms and exposures, readout, guardrails, results database)
and `service.scheduler` (the golden-slot tick).
"""

from __future__ import annotations

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.domain.schedule import DEFAULT_SLOTS, parse_slots
from distribution_service.ranking.heuristic import HeuristicWeights
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.service.assignment import AssignmentService
from distribution_service.service.events import EventsService
from distribution_service.service.experiment_analysis import ExperimentAnalysisService
from distribution_service.service.experiment_design import ExperimentDesignService
from distribution_service.service.experiment_results import ExperimentResultsService
from distribution_service.service.experiments import ExperimentsService
from distribution_service.service.experiments_cache import RunningExperiments
from distribution_service.service.feed import FeedService
from distribution_service.service.figures import FiguresService
from distribution_service.service.gray_release import GrayReleaseService
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.service.ranker import (
    ALIVE_DAYS,
    COUNTERS_TTL_SECONDS,
    HISTORY_LIMIT,
    POOL_TTL_SECONDS,
    FeedRanker,
)
from distribution_service.service.ranker_arms import RankerArms
from distribution_service.service.relations import RelationsService
from distribution_service.service.scheduled import SlotScheduler
from distribution_service.service.slots import MAX_DELIVERIES_PER_DAY, SlotsService
from distribution_service.store import DistributionStore
from users_service.client import UsersClient

# Defaults of the SLOT_WINDOW_MINUTES and SLOT_TOP_K settings.
SLOT_WINDOW_MINUTES = 15
SLOT_TOP_K = 5
# Default of the INGEST_INTERVAL_SECONDS setting.
INGEST_INTERVAL_SECONDS = 0.5


class DistributionService:
    def __init__(
        self,
        store: DistributionStore,
        content: ContentClient,
        users: UsersClient | None = None,
        *,
        slots: str = DEFAULT_SLOTS,
        max_deliveries_per_day: int = MAX_DELIVERIES_PER_DAY,
        counters_ttl_seconds: float = COUNTERS_TTL_SECONDS,
        alive_days: float = ALIVE_DAYS,
        history_limit: int = HISTORY_LIMIT,
        pool_ttl_seconds: float = POOL_TTL_SECONDS,
        heuristic_weights: HeuristicWeights | None = None,
        slot_window_minutes: int = SLOT_WINDOW_MINUTES,
        slot_top_k: int = SLOT_TOP_K,
        ingest_interval_seconds: float = INGEST_INTERVAL_SECONDS,
        billing: BillingClient | None = None,
        slot_push_reasons: bool = True,
    ) -> None:
        self.store = store
        self.content = content
        self.users = users
        self.registry = ModelRegistry(store)
        self.relations = RelationsService(store, users)
        self.figures = FiguresService(store)
        self.ranker = FeedRanker(
            store,
            content,
            users,
            self.registry,
            self.relations,
            counters_ttl_seconds=counters_ttl_seconds,
            alive_days=alive_days,
            history_limit=history_limit,
            pool_ttl_seconds=pool_ttl_seconds,
            heuristic_weights=heuristic_weights,
        )
        self.ingest = IngestWorker(store, interval=ingest_interval_seconds)
        self.events = EventsService(store, content, on_stored=self.ingest.wake, item_ttl_seconds=pool_ttl_seconds)
        self.experiments = ExperimentsService(store)
        self.experiment_design = ExperimentDesignService(store)
        self.assignment = AssignmentService(store, users, RunningExperiments(store, ttl_seconds=pool_ttl_seconds))
        self.analysis = ExperimentAnalysisService(store, billing)
        self.gray_release = GrayReleaseService(store, content)
        self.results = ExperimentResultsService(store, self.analysis)
        self.ranker.arms = RankerArms(store, self.registry, self.assignment)
        self.feed = FeedService(store, self.ranker)
        self.slots = SlotsService(
            store,
            self.ranker,
            users,
            clocks=parse_slots(slots),
            max_deliveries_per_day=max_deliveries_per_day,
            explain=slot_push_reasons,
        )
        self.scheduler = SlotScheduler(
            store, self.slots, self.ranker, window_minutes=slot_window_minutes, top_k=slot_top_k
        )
        self.slots.assignment = self.assignment
