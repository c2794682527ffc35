"""Opaque, stable cursors of Relay connections: a keyset position (a date-time, an id), never an offset.

An offset moves when items are published while a client pages; a keyset position does not, so no item is read
twice or skipped. The text is base64url of `v1:<epoch milliseconds>:<id>` (MongoDB keeps milliseconds); clients
treat it as opaque.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from infra.moments import as_utc

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
VERSION = "v1"


class CursorError(ValueError):
    """A cursor this service did not make."""


def encode(published_at: datetime, item_id: str) -> str:
    at = as_utc(published_at)
    millis = (at - EPOCH) // timedelta(milliseconds=1)
    return base64.urlsafe_b64encode(f"{VERSION}:{millis}:{item_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, ObjectId]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, millis, item_id = text.split(":")
        if version != VERSION or not ObjectId.is_valid(item_id) or len(item_id) != 24:
            raise CursorError(cursor)
        return EPOCH + timedelta(milliseconds=int(millis)), ObjectId(item_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise CursorError(cursor) from exc
