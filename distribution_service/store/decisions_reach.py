"""Each community's members shown something, kept in the database: a one-shot slot worker reads incrementally too.

service/shown_members.py keeps, per community, each member's last-shown time and the moment its read reached; kept
in memory only, a cron's one-shot `--partition` worker (a fresh process) read every counted decision of 90 days that
showed something (a community of 100,000 members logs ~300,000 slot decisions a day). Stored here after each read,
the next process starts from it and reads only the decisions since, less the overlap.

One document per community (`_id`: the community): the window's start (`covered_from`), the moment the read reached
(`read_at`), and the members' ids and last-shown times packed (12 bytes and 8 a member, zstd: ~2 MB for 100,000
members). A reach whose packed form passes MAX_BYTES is not kept (its workers read whole, as before). A write never
replaces a newer read's document (`read_at`): two workers saving at once keep the later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from bson import Binary, ObjectId
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from distribution_service.domain import decision_log
from distribution_service.store.base import Doc
from infra.moments import as_utc

# Well under MongoDB's 16 MB document: ~800,000 members a community.
MAX_BYTES = 12_000_000
FORMAT = "ids-ms-zstd-1"


@dataclass
class StoredReach:
    covered_from: datetime
    read_at: datetime
    last_shown: dict[str, datetime]


def pack(last_shown: dict[str, datetime]) -> tuple[bytes, bytes]:
    """The members' ids (12 bytes each, in order) and their times (int64 milliseconds since the epoch), zstd."""
    ids = b"".join(bytes.fromhex(member) for member in last_shown)
    times = np.array([round(as_utc(at).timestamp() * 1000) for at in last_shown.values()], dtype="<i8")
    return decision_log.compress(ids), decision_log.compress(times.tobytes())


def unpack(ids: bytes, times: bytes) -> dict[str, datetime]:
    raw = decision_log.decompress(ids)
    ms = np.frombuffer(decision_log.decompress(times), dtype="<i8")
    members = [raw[k : k + 12].hex() for k in range(0, len(raw), 12)]
    return {member: datetime.fromtimestamp(int(t) / 1000, UTC) for member, t in zip(members, ms.tolist(), strict=True)}


class DecisionReachStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.docs = db["decision_reach"]

    async def load(self, community_id: ObjectId) -> StoredReach | None:
        doc = await self.docs.find_one({"_id": community_id})
        if doc is None or doc.get("format") != FORMAT:
            return None
        return StoredReach(
            as_utc(doc["covered_from"]), as_utc(doc["read_at"]), unpack(doc["member_ids"], doc["shown_at"])
        )

    async def save(self, community_id: ObjectId, reach: StoredReach) -> bool:
        """Keep this read (False: too large to keep, or a newer read is kept already)."""
        ids, times = pack(reach.last_shown)
        if len(ids) + len(times) > MAX_BYTES:
            return False
        doc = {
            "format": FORMAT,
            "covered_from": reach.covered_from,
            "read_at": reach.read_at,
            "members": len(reach.last_shown),
            "member_ids": Binary(ids),
            "shown_at": Binary(times),
        }
        try:
            # Only over an older read: a document with a newer `read_at` does not match, and the upsert's insert
            # then fails on the `_id` it holds.
            await self.docs.replace_one(
                {"_id": community_id, "read_at": {"$lt": reach.read_at}}, doc | {"_id": community_id}, upsert=True
            )
        except DuplicateKeyError:
            return False
        return True
