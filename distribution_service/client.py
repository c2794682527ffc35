"""`DistributionClient`: the only way other services and the gateway reach distribution_service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from distribution_service.schemas import (
    ActivityByMember,
    AssignmentRequest,
    AuthorRelations,
    AuthorRelationsByMember,
    ContentEngagers,
    EngagementFigures,
    EventBatch,
    EventCreate,
    EventImportBatch,
    EventRecorded,
    EventsRecorded,
    ExperimentAnalysis,
    ExperimentCreate,
    ExperimentFinish,
    ExperimentFlags,
    ExperimentList,
    ExperimentRead,
    ExperimentResult,
    ExperimentResults,
    ExplainRequest,
    FeedExplanation,
    FeedPage,
    FeedRequest,
    GuardrailCheck,
    Inbox,
    MemberActivity,
    MemberArm,
    MemberAssignments,
    MemberEngagementList,
    MemberEventCounts,
    PowerPlan,
    PowerRequest,
    PushPreferencesRead,
    PushPreferencesUpdate,
    ResultsExport,
    RolloutUpdate,
    SlotMembers,
    SlotRates,
    SlotRunRequest,
    SlotRunResult,
    WeightsUpdate,
)
from infra.bulk import ImportResult
from infra.http import ServiceClient
from infra.paths import community_path, segment


class DistributionClient(ServiceClient):
    service_name = "distribution"

    async def record_event(self, community_id: str, event_in: EventCreate) -> EventRecorded:
        body = await self._call("POST", f"{community_path(community_id)}/events", json=event_in.to_wire())
        return EventRecorded.model_validate(body)

    async def record_events(self, community_id: str, batch: EventBatch) -> EventsRecorded:
        return await self.record_event_wires(community_id, batch.to_wire()["events"])

    async def record_event_wires(self, community_id: str, events: list[dict[str, Any]]) -> EventsRecorded:
        """`record_events` of events already in the wire model's JSON form (camelCase names, plain JSON values),
        validated by the service alone (EventBatch, the same coded errors): a caller holding such values (the
        gateway's coerced GraphQL input) skips building the model only to dump it again."""
        return await self._call_model(
            EventsRecorded, "POST", f"{community_path(community_id)}/events/batch", json={"events": events}
        )

    async def feed(self, community_id: str, request: FeedRequest) -> FeedPage:
        return await self._call_model(FeedPage, "POST", f"{community_path(community_id)}/feed", json=request.to_wire())

    async def explain(self, community_id: str, request: ExplainRequest) -> FeedExplanation:
        body = await self._call("POST", f"{community_path(community_id)}/feed/explain", json=request.to_wire())
        return FeedExplanation.model_validate(body)

    async def run_slot(self, community_id: str, request: SlotRunRequest) -> SlotRunResult:
        body = await self._call("POST", f"{community_path(community_id)}/slots/run", json=request.to_wire())
        return SlotRunResult.model_validate(body)

    async def slot_members(self, community_id: str, *, partition: int = 0, partitions: int = 1) -> SlotMembers:
        params = {"partition": partition, "partitions": partitions}
        return SlotMembers.model_validate(
            await self._call("GET", f"{community_path(community_id)}/slots/members", params=params)
        )

    async def set_push_preferences(self, community_id: str, update: PushPreferencesUpdate) -> PushPreferencesRead:
        body = await self._call("PUT", f"{community_path(community_id)}/push-preferences", json=update.to_wire())
        return PushPreferencesRead.model_validate(body)

    async def slot_rates(self, community_id: str) -> SlotRates:
        return SlotRates.model_validate(await self._call("GET", f"{community_path(community_id)}/slots/rates"))

    async def inbox(self, community_id: str, member_id: str, first: int = 20) -> Inbox:
        path = f"{community_path(community_id)}/members/{segment(member_id, field='memberId')}/inbox"
        return Inbox.model_validate(await self._call("GET", path, params={"first": first}))

    async def activity_by_member(self, community_id: str, since: datetime | None = None) -> dict[str, MemberActivity]:
        """Per member: engagement events, weighted engagement and last event time (since `since`)."""
        params = {"since": since.isoformat()} if since else None
        body = await self._call("GET", f"{community_path(community_id)}/activity/by-member", params=params)
        return ActivityByMember.model_validate(body).members

    async def content_engagers(
        self, community_id: str, content_id: str, *, since: datetime, until: datetime
    ) -> list[str]:
        """Members who engaged with the item in [since, until), sorted."""
        path = f"{community_path(community_id)}/content/{segment(content_id, field='contentId')}/engagers"
        params = {"since": since.isoformat(), "until": until.isoformat()}
        return ContentEngagers.model_validate(await self._call("GET", path, params=params)).member_ids

    async def member_event_counts(
        self, community_id: str, member_id: str, *, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Event type → the member's recorded engagement events in [since, until) (campaign task checks)."""
        path = f"{community_path(community_id)}/members/{segment(member_id, field='memberId')}/event-counts"
        params = {"since": since.isoformat(), "until": until.isoformat()}
        return MemberEventCounts.model_validate(await self._call("GET", path, params=params)).counts

    async def engagement_figures(self, community_id: str, as_of: datetime) -> EngagementFigures:
        """Engaged members per window, events per type and deliveries, aggregated for the health indicators."""
        path = f"{community_path(community_id)}/health/figures"
        body = await self._call("GET", path, params={"asOf": as_of.isoformat()})
        return EngagementFigures.model_validate(body)

    async def engagement_by_member(self, community_id: str, as_of: datetime) -> MemberEngagementList:
        """Each member engaged in the 60 days before `as_of`: days and events in the last 30, both windows' flags."""
        path = f"{community_path(community_id)}/health/members"
        body = await self._call("GET", path, params={"asOf": as_of.isoformat()})
        return MemberEngagementList.model_validate(body)

    # Imported events

    async def import_events(self, community_id: str, batch: EventImportBatch) -> ImportResult:
        """Store events from another platform; the result lists only the rejected ones."""
        path = f"{community_path(community_id)}/events/import"
        return ImportResult.model_validate(await self._call("POST", path, json=batch.to_wire()))

    # A member's follows and blocks. Each change returns the member's newest 100 follows and blocks.

    async def follow_author(self, community_id: str, member_id: str, author_id: str) -> AuthorRelations:
        return await self._relation_change(community_id, "follow", member_id, author_id)

    async def unfollow_author(self, community_id: str, member_id: str, author_id: str) -> AuthorRelations:
        return await self._relation_change(community_id, "unfollow", member_id, author_id)

    async def block_author(self, community_id: str, member_id: str, author_id: str) -> AuthorRelations:
        return await self._relation_change(community_id, "block", member_id, author_id)

    async def unblock_author(self, community_id: str, member_id: str, author_id: str) -> AuthorRelations:
        return await self._relation_change(community_id, "unblock", member_id, author_id)

    async def member_relations(self, community_id: str, member_id: str, *, first: int = 100) -> AuthorRelations:
        """The member's newest `first` (1..100) follows and blocks."""
        path = f"{community_path(community_id)}/members/{segment(member_id, field='memberId')}/relations"
        return AuthorRelations.model_validate(await self._call("GET", path, params={"first": first}))

    async def author_relations(self, community_id: str, member_ids: list[str]) -> dict[str, AuthorRelations]:
        """Each member asked for (at most 1000) → all the authors they follow and block (sorted id lists)."""
        body = await self._call(
            "POST", f"{community_path(community_id)}/relations/lookup", json={"memberIds": member_ids}
        )
        return AuthorRelationsByMember.model_validate(body).members

    async def _relation_change(self, community_id: str, action: str, member_id: str, author_id: str) -> AuthorRelations:
        # Sent as given: the service names a malformed id's field (BAD_USER_INPUT) before anything is written.
        change = {"memberId": member_id, "authorId": author_id}
        body = await self._call("POST", f"{community_path(community_id)}/relations/{action}", json=change)
        return AuthorRelations.model_validate(body)

    # Experiments: design and steering, a member's arms and flags, readout, guardrails, results database.

    async def create_experiment(self, community_id: str, spec: ExperimentCreate) -> ExperimentRead:
        body = await self._call("POST", f"{community_path(community_id)}/experiments", json=spec.to_wire())
        return ExperimentRead.model_validate(body)

    async def experiments(self, community_id: str, status: str | None = None) -> list[ExperimentRead]:
        params = {"status": status} if status else None
        body = await self._call("GET", f"{community_path(community_id)}/experiments", params=params)
        return ExperimentList.model_validate(body).items

    async def experiment(self, community_id: str, experiment_id: str) -> ExperimentRead:
        return ExperimentRead.model_validate(await self._call("GET", _experiment_path(community_id, experiment_id)))

    async def start_experiment(self, community_id: str, experiment_id: str) -> ExperimentRead:
        path = f"{_experiment_path(community_id, experiment_id)}/start"
        return ExperimentRead.model_validate(await self._call("POST", path))

    async def stop_experiment(self, community_id: str, experiment_id: str) -> ExperimentRead:
        path = f"{_experiment_path(community_id, experiment_id)}/stop"
        return ExperimentRead.model_validate(await self._call("POST", path))

    async def set_experiment_rollout(self, community_id: str, experiment_id: str, share: float) -> ExperimentRead:
        path = f"{_experiment_path(community_id, experiment_id)}/rollout"
        body = await self._call("POST", path, json=RolloutUpdate(share=share).to_wire())
        return ExperimentRead.model_validate(body)

    async def set_experiment_weights(
        self, community_id: str, experiment_id: str, weights: list[float]
    ) -> ExperimentRead:
        path = f"{_experiment_path(community_id, experiment_id)}/weights"
        body = await self._call("POST", path, json=WeightsUpdate(weights=weights).to_wire())
        return ExperimentRead.model_validate(body)

    async def experiment_analysis(self, community_id: str, experiment_id: str) -> ExperimentAnalysis:
        path = f"{_experiment_path(community_id, experiment_id)}/analysis"
        return ExperimentAnalysis.model_validate(await self._call("GET", path))

    async def check_experiment_guardrails(self, community_id: str, experiment_id: str) -> GuardrailCheck:
        """Measure the guardrails now; a breach rolls the experiment back (and notifies) before answering."""
        path = f"{_experiment_path(community_id, experiment_id)}/guardrails"
        return GuardrailCheck.model_validate(await self._call("POST", path))

    async def finish_experiment(
        self, community_id: str, experiment_id: str, finish: ExperimentFinish
    ) -> ExperimentResult:
        path = f"{_experiment_path(community_id, experiment_id)}/finish"
        return ExperimentResult.model_validate(await self._call("POST", path, json=finish.to_wire()))

    async def experiment_results(self, community_id: str) -> list[ExperimentResult]:
        body = await self._call("GET", f"{community_path(community_id)}/experiment-results")
        return ExperimentResults.model_validate(body).items

    async def export_experiment_results(self, community_id: str, fmt: str) -> ResultsExport:
        path = f"{community_path(community_id)}/experiment-results/export"
        return ResultsExport.model_validate(await self._call("GET", path, params={"format": fmt}))

    async def member_experiment_arms(self, community_id: str, member_id: str, channel: str) -> list[MemberArm]:
        """The member's arms on `channel` (e.g. REWARD parameters for a campaign), logged as used now."""
        request = AssignmentRequest(member_id=member_id, channel=channel)
        path = f"{community_path(community_id)}/experiment-assignments"
        return MemberAssignments.model_validate(await self._call("POST", path, json=request.to_wire())).items

    async def experiment_flags(self, community_id: str, member_id: str) -> dict[str, str]:
        """The layout flags front-ends read for the member (exposures logged: reading them is using them)."""
        path = f"{community_path(community_id)}/members/{segment(member_id, field='memberId')}/experiment-flags"
        return ExperimentFlags.model_validate(await self._call("GET", path)).flags

    async def experiment_power(self, community_id: str, request: PowerRequest) -> PowerPlan:
        path = f"{community_path(community_id)}/experiment-power"
        return PowerPlan.model_validate(await self._call("POST", path, json=request.to_wire()))


def _experiment_path(community_id: str, experiment_id: str) -> str:
    return f"{community_path(community_id)}/experiments/{segment(experiment_id, field='id')}"
