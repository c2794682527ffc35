"""Documents decoded once per content: a feed reads its member's member_recent document as raw BSON and decodes
it only when its bytes differ from the last ones decoded for that `_id` (a member's repeated feeds, pagination,
refreshes and a client's aliases read the same document until the ingest worker pushes an engagement or the
relations mirror changes: any write changes the bytes, so the next read decodes afresh).

The same bytes decode to the same document, so a hit returns what a decode would have. Bounded by the raw bytes
kept (least recently read first out); event-loop only (no lock: nothing awaits between the look-up and the keep).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import bson
from bson.codec_options import CodecOptions

Doc = dict[str, Any]

# Raw bytes kept: a member's document with a full history is ~16 KB raw (its decoded events ~120 KB), so ~250 of
# the most recently read members.
KEPT_BYTES = 4 * 2**20


class DecodedDocs:
    """Each `_id`'s last raw document and what `prepare` made of its decode."""

    def __init__(self, codec_options: CodecOptions[Doc], *, max_bytes: int = KEPT_BYTES) -> None:
        self.codec_options = codec_options
        self.max_bytes = max_bytes
        self._kept: OrderedDict[tuple[str, Any], tuple[bytes, Doc]] = OrderedDict()
        self._bytes = 0
        # Decodes and reads answered from what was kept (tests and benchmarks).
        self.decodes = 0
        self.hits = 0

    def get(self, key: str, raw: bytes, prepare: Callable[[Doc], Doc], variant: Any = None) -> Doc:
        """`prepare(decode(raw))`, from the last one made for (`key`, `variant`) if it was made of the same bytes.
        Callers share what is returned and must not change it."""
        slot = (key, variant)
        kept = self._kept.get(slot)
        if kept is not None and kept[0] == raw:
            self._kept.move_to_end(slot)
            self.hits += 1
            return kept[1]
        self.decodes += 1
        doc = prepare(bson.decode(raw, self.codec_options))
        if kept is not None:
            self._bytes -= len(kept[0])
        self._kept[slot] = (raw, doc)
        self._kept.move_to_end(slot)
        self._bytes += len(raw)
        while self._bytes > self.max_bytes and len(self._kept) > 1:
            _, (old, _) = self._kept.popitem(last=False)
            self._bytes -= len(old)
        return doc

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        """Forget every document (the next read of each decodes: a benchmark's cold feeds)."""
        self._kept.clear()
        self._bytes = 0


def raw_id(raw: bytes | memoryview) -> Any:
    """A raw document's `_id` without decoding the rest: read from the bytes when it is the first field and a
    string (as member_recent's are), else from a decode."""
    if raw[4:9] == b"\x02_id\x00":
        size = int.from_bytes(raw[9:13], "little")
        return bytes(raw[13 : 13 + size - 1]).decode()
    return bson.decode(raw)["_id"]
