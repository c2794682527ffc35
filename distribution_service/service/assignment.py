"""Which arm of which running experiment each member gets on a channel, and the exposure log.

An exposure is logged when the arm is used (the feed ranked with it, the push carried its copy, the flags were
read), once per member per experiment: the unique index keeps it once whatever requests race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bson import ObjectId

from distribution_service.domain.assignment import (
    MemberFacts,
    arm_index,
    bucket_of,
    in_layer_range,
    in_rollout,
    targets,
)
from distribution_service.domain.experiment_enums import Channel
from distribution_service.schemas.experiments import ExperimentFlags, MemberArm, MemberAssignments
from distribution_service.service.experiment_docs import targeting_of, used_on, weights_of
from distribution_service.service.experiments_cache import RunningExperiments
from distribution_service.store import DistributionStore, Doc
from infra.moments import as_utc
from users_service.client import UsersClient


@dataclass(frozen=True)
class Assigned:
    experiment: Doc
    arm: int

    @property
    def arm_doc(self) -> Doc:
        arm: Doc = self.experiment["arms"][self.arm]
        return arm


def member_arm(assigned: Assigned) -> MemberArm:
    arm = assigned.arm_doc
    return MemberArm(
        experiment_id=str(assigned.experiment["_id"]),
        arm=arm["name"],
        push_copy=arm.get("push_copy"),
        golden_slot=arm.get("golden_slot"),
        flags=arm.get("flags", {}),
        reward=arm.get("reward", {}),
        ranker_version=arm.get("ranker_version"),
    )


def place(doc: Doc, member_id: str, facts: MemberFacts | None, channel: Channel, now: datetime) -> int | None:
    """The member's arm in one experiment, or None when they are outside it (audience, layer or rollout)."""
    if not targets(targeting_of(doc), facts, channel, now):
        return None
    if doc.get("layer") and doc.get("layer_range"):
        start, end = doc["layer_range"]
        if not in_layer_range(member_id, doc["layer"], (start, end)):
            return None
    if not in_rollout(member_id, doc["salt"], float(doc["rollout"])):
        return None
    return arm_index(bucket_of(member_id, doc["salt"]), weights_of(doc))


class AssignmentService:
    def __init__(
        self, store: DistributionStore, users: UsersClient | None, running: RunningExperiments | None = None
    ) -> None:
        self.store = store
        self.users = users
        # The running experiments, kept a few seconds per community: read on every feed and slot batch.
        self.running = running or RunningExperiments(store, ttl_seconds=0.0)

    async def assign(self, cid: ObjectId, member_ids: list[str], channel: Channel) -> dict[str, list[Assigned]]:
        """Each member's arms on `channel` among the running experiments (kept a few seconds per community; the
        users service is asked about the members only when some experiment targets by tier, layer or age)."""
        running = [doc for doc in await self.running.running(cid) if used_on(doc, channel)]
        if not running or not member_ids:
            return {}
        facts = await self._facts(cid, member_ids, running)
        now = datetime.now(UTC)
        found: dict[str, list[Assigned]] = {}
        for member_id in member_ids:
            for doc in running:
                arm = place(doc, member_id, facts.get(member_id), channel, now)
                if arm is not None:
                    found.setdefault(member_id, []).append(Assigned(doc, arm))
        return found

    async def log_exposures(
        self, cid: ObjectId, used: dict[str, list[Assigned]], channel: Channel, at: datetime | None = None
    ) -> int:
        """Log that these arms were used now; a member already exposed to an experiment keeps the first exposure."""
        when = at or datetime.now(UTC)
        docs = [
            {
                "community_id": cid,
                "experiment_id": a.experiment["_id"],
                "member_id": ObjectId(member_id),
                "arm": a.arm_doc["name"],
                "channel": channel.value,
                "at": when,
            }
            for member_id, assigned in used.items()
            for a in assigned
        ]
        return await self.store.experiments.log_exposures(docs)

    async def member_arms(self, cid: ObjectId, member_id: ObjectId, channel: Channel) -> MemberAssignments:
        """The member's arms on `channel`, for a caller about to use them (campaign rewards, a client's push
        copy): the exposure is logged now."""
        assigned = await self.assign(cid, [str(member_id)], channel)
        await self.log_exposures(cid, assigned, channel)
        return MemberAssignments(items=[member_arm(a) for a in assigned.get(str(member_id), [])])

    async def flags(self, cid: ObjectId, member_id: ObjectId) -> ExperimentFlags:
        """The layout flags of every in-app experiment the member is in, merged (the earliest-created experiment
        wins a key two set); reading them is the moment of use, so the exposures are logged."""
        assigned = await self.assign(cid, [str(member_id)], Channel.IN_APP)
        await self.log_exposures(cid, assigned, Channel.IN_APP)
        merged: dict[str, str] = {}
        for a in sorted(assigned.get(str(member_id), []), key=lambda a: a.experiment["created_at"], reverse=True):
            merged.update(a.arm_doc.get("flags", {}))
        return ExperimentFlags(flags=merged)

    async def _facts(self, cid: ObjectId, member_ids: list[str], running: list[Doc]) -> dict[str, MemberFacts]:
        needs = any((t := targeting_of(doc)).tiers or t.rfm_layers or t.audience != "ALL" for doc in running)
        if not needs or self.users is None:
            return {}
        found: dict[str, MemberFacts] = {}
        for start in range(0, len(member_ids), 1000):
            chunk = member_ids[start : start + 1000]
            for member_id, read in zip(chunk, await self.users.lookup_members(str(cid), chunk), strict=True):
                if read is not None:
                    joined = as_utc(read.joined_at)
                    found[member_id] = MemberFacts(read.tier.value, read.rfm_layer.value, joined)
        return found
