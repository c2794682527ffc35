"""A member_recent document's packed entries merged as bytes: the worker's push when every pushed event is newer
than the newest one kept, the usual case (events are derived about in the order they happen).

`packed` (store/member_recent.py) is the BSON document {"events": [entry, ...]}, newest first. Merging by decoding
the kept entries, sorting and encoding them again cost the worker ~0.3 ms of client CPU a member (100 entries of
dates, ObjectIds and tags), and under events from many members a take pushes about one member per event: a third
of the gateway process's CPU per `recordEvent` that is not the request's own (docs/performance.md, "Events from many
members: ..."). When the pushed entries all come after the newest kept one, the merge's answer is known without
decoding the rest: the pushed entries, newest first, then the kept ones in their order, cut at RECENT_KEPT. The
kept entries' bytes are copied as they are (an array's element is its index as a name, then the entry's own BSON
document), only the newest one is decoded, for its date. Anything else (a pushed event as old as a kept one, an
older version's `events` array beside, bytes not laid out as `pack` writes them) returns None: the caller merges
the slow way, by `_id` and date. The array is walked by hand rather than read as pymongo's RawBSONDocument entries
(`bson.decode` with `document_class=RawBSONDocument`, then `bson.encode` of them): that gives the same bytes but
`python -m benchmarks.member_recent_merge` measured it at 94.0 against 43.4 µs for a one-event push onto 100 entries.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import bson
from bson.binary import Binary
from bson.codec_options import CodecOptions

Doc = dict[str, Any]

INT32 = struct.Struct("<i")
# BSON element types: an embedded document, an array.
DOCUMENT, ARRAY = 3, 4
# The packed document's one field, as `pack` writes it: {"events": [...]}.
FIELD = b"events"
HEAD = 4 + 1 + len(FIELD) + 1  # the document's length, the array's type byte, its name and NUL


def entry_slices(packed: bytes, limit: int) -> list[bytes] | None:
    """The first `limit` entries of a packed document, each its own BSON bytes; None if the bytes are not the one
    array field `pack` writes."""
    if len(packed) < HEAD + 5 or packed[4] != ARRAY or packed[5:HEAD] != FIELD + b"\x00":
        return None
    end = HEAD + INT32.unpack_from(packed, HEAD)[0] - 1  # the array's closing NUL
    if end >= len(packed):
        return None
    position = HEAD + 4
    found: list[bytes] = []
    while position < end and len(found) < limit:
        if packed[position] != DOCUMENT:
            return None
        name_end = packed.index(0, position + 1)
        size = INT32.unpack_from(packed, name_end + 1)[0]
        found.append(packed[name_end + 1 : name_end + 1 + size])
        position = name_end + 1 + size
    return found


def packed_of(entries: list[bytes]) -> Binary:
    """The packed document of these entries' BSON bytes, in this order: what `pack` writes for them decoded."""
    body = b"".join(b"\x03%d\x00%s" % (n, raw) for n, raw in enumerate(entries))
    array = INT32.pack(len(body) + 5) + body + b"\x00"
    element = b"\x04" + FIELD + b"\x00" + array
    return Binary(INT32.pack(len(element) + 5) + element + b"\x00")


def prepended(
    packed: bytes,
    newest: list[Doc],
    kept: int,
    codec_options: CodecOptions[Any],
    when: Callable[[Doc], Any],
) -> Binary | None:
    """`newest` (entries, newest first, none repeated) before the packed entries, at most `kept` in all, if every
    one of them is newer (`when`) than the newest packed entry: what merging by `_id` and date gives then, since an
    event has one date (so none of them is among the packed ones). None otherwise."""
    if not newest:
        return None
    slices = entry_slices(packed, max(1, kept - len(newest)))
    if slices is None:
        return None
    if slices and not when(newest[-1]) > when(bson.decode(slices[0], codec_options)):
        return None
    fresh = [bson.encode(e) for e in newest[:kept]]
    return packed_of([*fresh, *slices[: max(0, kept - len(fresh))]])
