"""distribution_service's only MongoDB package: one module per concept, composed here.

`store.events` (events, item counters, imported signals, and through its parts the outbox, members' last
engagements and communities' latest event times), `store.decisions` (decision logs), `store.deliveries`
(golden-slot deliveries, push preferences), `store.models` (the model registry), `store.relations` (follows,
blocks) and `store.experiments` (experiments, exposures, the results database): each collection is opened by
exactly one of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.store.base import Doc
from distribution_service.store.decisions import DecisionsStore
from distribution_service.store.deliveries import DeliveriesStore
from distribution_service.store.events import EventsStore
from distribution_service.store.experiments import ExperimentsStore
from distribution_service.store.models import ModelsStore
from distribution_service.store.relations import RelationsStore
from distribution_service.store.relations_mirror import RelationsMirror

__all__ = ["DistributionStore", "Doc"]
T = TypeVar("T")


class DistributionStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.db = db
        self.events = EventsStore(db)
        self.decisions = DecisionsStore(db)
        self.deliveries = DeliveriesStore(db)
        self.models = ModelsStore(db)
        self.relations = RelationsStore(db)
        self.experiments = ExperimentsStore(db)
        # Members' follows and blocks mirrored into their member_recent documents (one read per feed).
        self.relations_mirror = RelationsMirror(
            self.relations, self.events.recent, self.events.migrate.done, self.transaction
        )
        # The ranking pipeline (ranking/registry.py, ranking/loader.py) still reads through these flat names; they
        # are the parts' own finders, and go once it addresses the parts (store.models.get_model_pointer, ...).
        self.insert_model_version = self.models.insert_model_version
        self.get_model_version = self.models.get_model_version
        self.list_model_versions = self.models.list_model_versions
        self.get_model_text = self.models.get_model_text
        self.get_model_pointer = self.models.get_model_pointer
        self.set_model_pointer = self.models.set_model_pointer
        self.pop_model_history = self.models.pop_model_history
        self.list_experiment_decisions = self.decisions.list_experiment_decisions
        self.list_decision_heads_between = self.decisions.list_decision_heads_between
        self.list_decisions_by_ids = self.decisions.list_decisions_by_ids
        self.list_attributed_events = self.events.list_attributed_events
        self.list_events_between = self.events.list_events_between
        self.list_item_signals_between = self.events.list_item_signals_between
        self.get_first_event_time = self.events.get_first_event_time

    async def ensure_indexes(self) -> None:
        for part in (self.events, self.decisions, self.deliveries, self.models, self.relations, self.experiments):
            await part.ensure_indexes()
        await self.relations_mirror.backfill()

    async def transaction(self, callback: Callable[[AsyncClientSession], Awaitable[T]]) -> T:
        """Run `callback` in one MongoDB transaction (retried by the driver on transient conflicts)."""
        async with self.db.client.start_session() as session:
            result: T = await session.with_transaction(callback)
            return result
