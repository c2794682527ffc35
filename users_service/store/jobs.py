"""The `jobs` collection: background jobs (tier runs, LTV training) with their lease, progress and outcome.

A running job's holder renews `heartbeat_at`; a RUNNING job whose heartbeat lapsed belongs to a dead process and
is failed by `fail_stale` (at start-up, and by the finder when read), so none stays RUNNING forever.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from infra.indexes import IndexPlan
from users_service.domain.jobs import INTERRUPTED, JobKind, JobStatus
from users_service.schemas.jobs import JobRead
from users_service.store.base import Doc

_RUNNING = JobStatus.RUNNING.value


def _job(doc: Doc) -> JobRead:
    return JobRead(
        id=str(doc["_id"]),
        kind=doc["kind"],
        status=doc["status"],
        progress=doc.get("progress", 0.0),
        started_at=doc["started_at"],
        heartbeat_at=doc["heartbeat_at"],
        finished_at=doc.get("finished_at"),
        error=doc.get("error"),
        error_code=doc.get("error_code"),
        result=doc.get("result"),
    )


class JobsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.jobs = db["jobs"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # fail_stale: the RUNNING jobs whose heartbeat lapsed, across communities (a start-up sweep).
        indexes.add(self.jobs, [("status", ASCENDING), ("heartbeat_at", ASCENDING)], name="status_heartbeat")
        await indexes.create()

    async def insert(self, community_id: ObjectId, kind: JobKind, params: Doc) -> JobRead:
        now = datetime.now(UTC)
        doc: Doc = {
            "community_id": community_id,
            "kind": kind.value,
            "status": _RUNNING,
            "progress": 0.0,
            "params": params,
            "started_at": now,
            "heartbeat_at": now,
        }
        result = await self.jobs.insert_one(doc)
        doc["_id"] = result.inserted_id
        return _job(doc)

    async def get(self, community_id: ObjectId, job_id: ObjectId) -> JobRead | None:
        doc = await self.jobs.find_one({"_id": job_id, "community_id": community_id})
        return _job(doc) if doc else None

    async def beat(self, community_id: ObjectId, job_id: ObjectId, progress: float | None = None) -> None:
        """Renew the lease of a RUNNING job (and record its progress); a job already failed stays failed."""
        fields: Doc = {"heartbeat_at": datetime.now(UTC)}
        if progress is not None:
            fields["progress"] = progress
        await self.jobs.update_one({"_id": job_id, "community_id": community_id, "status": _RUNNING}, {"$set": fields})

    async def finish(
        self,
        community_id: ObjectId,
        job_id: ObjectId,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        error_code: str | None = None,
    ) -> None:
        now = datetime.now(UTC)
        fields: Doc = {"finished_at": now, "heartbeat_at": now}
        if error is None:
            fields.update(status=JobStatus.SUCCEEDED.value, progress=1.0, result=result)
        else:
            fields.update(status=JobStatus.FAILED.value, error=error, error_code=error_code)
        await self.jobs.update_one({"_id": job_id, "community_id": community_id, "status": _RUNNING}, {"$set": fields})

    async def fail_stale(self, before: datetime, *, community_id: ObjectId | None = None) -> int:
        """Fail RUNNING jobs whose last heartbeat is older than `before`; all communities when none is named."""
        match: Doc = {"status": _RUNNING, "heartbeat_at": {"$lt": before}}
        if community_id is not None:
            match["community_id"] = community_id
        now = datetime.now(UTC)
        result = await self.jobs.update_many(
            match, {"$set": {"status": JobStatus.FAILED.value, "error": INTERRUPTED, "finished_at": now}}
        )
        return result.modified_count

    async def fail_if_stale(self, community_id: ObjectId, job_id: ObjectId, before: datetime) -> JobRead | None:
        """The job, failed first when it is RUNNING with a heartbeat older than `before`."""
        doc = await self.jobs.find_one_and_update(
            {"_id": job_id, "community_id": community_id, "status": _RUNNING, "heartbeat_at": {"$lt": before}},
            {"$set": {"status": JobStatus.FAILED.value, "error": INTERRUPTED, "finished_at": datetime.now(UTC)}},
            return_document=ReturnDocument.AFTER,
        )
        return _job(doc) if doc else await self.get(community_id, job_id)
