"""distribution_service's only MongoDB package: events, item counters, decision logs, deliveries, models and
members' follows and blocks."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

from distribution_service.store.base import Doc
from distribution_service.store.deliveries import DeliveriesStore
from distribution_service.store.events import EventsStore
from distribution_service.store.models import ModelsStore
from distribution_service.store.relations import RelationsStore

__all__ = ["DistributionStore", "Doc"]


class DistributionStore(EventsStore, DeliveriesStore, ModelsStore, RelationsStore):
    async def ensure_indexes(self) -> None:
        # insert_events: a client event id is recorded once per community.
        await self.events.create_index(
            [("community_id", ASCENDING), ("client_event_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"client_event_id": {"$type": "string"}},
            name="community_client_event_unique",
        )
        # insert_events (a duplicate's stored id): SecantusDB plans no lookup on a partial index, so a plain one.
        await self.events.create_index(
            [("community_id", ASCENDING), ("client_event_id", ASCENDING)], name="community_client_event"
        )
        # list_members_engagement: members' engagement events (`engaged` equality, `$in` on member).
        await self.events.create_index(
            [
                ("community_id", ASCENDING),
                ("engaged", ASCENDING),
                ("member_id", ASCENDING),
                ("occurred_at", DESCENDING),
            ],
            name="community_engaged_member_occurred_at",
        )
        await self.backfill_engaged()
        # A member's events by item, newest first (kept for ad-hoc reads and existing deployments).
        await self.events.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("content_id", ASCENDING)],
            name="community_member_content",
        )
        await self.events.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("occurred_at", DESCENDING)],
            name="community_member_occurred_at",
        )
        # aggregate_activity_by_member, list_events_between: a community's events over a time window.
        await self.events.create_index(
            [("community_id", ASCENDING), ("occurred_at", ASCENDING)], name="community_occurred_at"
        )
        # list_active_communities (the slot scheduler's tick): any community's recent events.
        await self.events.create_index([("occurred_at", ASCENDING)], name="occurred_at")
        # sum_recent_engagement: the candidates' daily engagement buckets; one bucket per item and day.
        await self.item_daily.create_index(
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("day", ASCENDING)],
            unique=True,
            name="community_content_day_unique",
        )
        # Buckets expire once no popularity window reaches them.
        await self.item_daily.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_at_ttl")
        await self.backfill_item_daily()
        # No query reads events by item any more (7-day popularity comes from item_daily): the index only cost writes.
        if "community_content_occurred_at" in await self.events.index_information():
            await self.events.drop_index("community_content_occurred_at")
        # list_item_stats: counters per item.
        await self.item_stats.create_index(
            [("community_id", ASCENDING), ("content_id", ASCENDING)], unique=True, name="community_content_unique"
        )
        # get_decision, list_decision_heads_between: one decision by id within a community, or over a window.
        await self.decisions.create_index([("community_id", ASCENDING), ("at", ASCENDING)], name="community_at")
        # list_experiment_decisions: one experiment version's decisions since a moment.
        await self.decisions.create_index(
            [("community_id", ASCENDING), ("experiment_version", ASCENDING), ("at", ASCENDING)],
            name="community_experiment_at",
        )
        # insert_delivery: exactly one delivery per member per slot and local day, whatever re-runs happen.
        await self.deliveries.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("slot", ASCENDING), ("day", ASCENDING)],
            unique=True,
            name="community_member_slot_day_unique",
        )
        # list_delivered_members: who already got this slot today (`$in` on member, the last field pinned).
        await self.deliveries.create_index(
            [("community_id", ASCENDING), ("slot", ASCENDING), ("day", ASCENDING), ("member_id", ASCENDING)],
            name="community_slot_day_member",
        )
        # list_deliveries_for_member (inbox), newest first; mark_delivery; count_deliveries_by_member_since.
        await self.deliveries.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("created_at", DESCENDING)],
            name="community_member_created_at",
        )
        # aggregate_slot_rates: a community's deliveries by slot.
        await self.deliveries.create_index([("community_id", ASCENDING), ("slot", ASCENDING)], name="community_slot")
        # get_model_version / list_model_versions: one registry per community.
        await self.model_versions.create_index(
            [("community_id", ASCENDING), ("version", ASCENDING)], unique=True, name="community_version_unique"
        )
        await self.model_pointers.create_index([("community_id", ASCENDING)], unique=True, name="community_unique")
        # get_push_preferences / list_push_preferences: one document per member.
        # list_item_signals_between (training): imported anonymous signals over a window (collection of issue 4).
        await self.db["item_signals"].create_index(
            [("community_id", ASCENDING), ("occurred_at", ASCENDING)], name="community_occurred_at"
        )
        await self.push_preferences.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING)], unique=True, name="community_member_unique"
        )
        # follows, blocks: a member's feed relations (store/relations.py lists each index beside its query).
        await self.ensure_relation_indexes()
