"""How a decision's arrays are stored: compact, so that a slot run over 100,000 members logs every candidate.

A decision keeps every scored candidate (training needs the whole group, not only what was shown): ~500 item
ids, a 500 x 23 feature matrix and 500 scores. Stored as plain BSON arrays that is ~62 KB a decision, ~6 GB per
slot run of 100,000 members. Packed here it is a few KB: the matrix column by column (member and context
columns are constant down a decision, content columns repeat few values) and the ids byte plane by byte plane
(ids made together share their leading bytes), each compressed with zstd at level 1 (`CODEC`).

Documents packed with zlib before (`ZLIB_CODEC`) still read, and documents written before packing (no `codec`
field) are read as they are.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import zstandard
from bson import ObjectId

CODEC = "zstd-columns-1"
ZLIB_CODEC = "zlib-columns-1"
# zstd level 1: on a decision's arrays about a quarter of zlib level 1's CPU for fewer bytes (docs/performance.md,
# "Slot runs: the decision log in zstd"); a slot run packs one decision per member.
LEVEL = 1
OBJECT_ID_BYTES = 12
PACKED = frozenset({CODEC, ZLIB_CODEC})

_per_thread = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    """This thread's compressor (one is not safe across threads; making one per call costs ~9 us)."""
    compressor: zstandard.ZstdCompressor | None = getattr(_per_thread, "compressor", None)
    if compressor is None:
        compressor = _per_thread.compressor = zstandard.ZstdCompressor(level=LEVEL)
    return compressor


def _decompressor() -> zstandard.ZstdDecompressor:
    decompressor: zstandard.ZstdDecompressor | None = getattr(_per_thread, "decompressor", None)
    if decompressor is None:
        decompressor = _per_thread.decompressor = zstandard.ZstdDecompressor()
    return decompressor


def compress(raw: bytes) -> bytes:
    return _compressor().compress(raw)


def decompress(data: bytes) -> bytes:
    """A zstd frame's bytes (`compress` writes the content size into every frame)."""
    return _decompressor().decompress(data)


def _inflater(doc: Mapping[str, Any]) -> Callable[[bytes], bytes]:
    return zlib.decompress if doc.get("codec") == ZLIB_CODEC else decompress


def pack_features(x: np.ndarray) -> bytes:
    """The float32 matrix, column-major, compressed."""
    return compress(np.ascontiguousarray(np.asarray(x, dtype=np.float32).T).tobytes())


def unpack_features(data: bytes, n_features: int, inflate: Callable[[bytes], bytes] = decompress) -> np.ndarray:
    columns = np.frombuffer(inflate(data), dtype=np.float32).reshape(n_features, -1)
    return np.ascontiguousarray(columns.T)


def id_bytes(ids: Sequence[ObjectId]) -> np.ndarray:
    """ObjectIds as an (n, 12) byte array: made once for a pool, its rows taken for each decision."""
    return np.frombuffer(b"".join(i.binary for i in ids), dtype=np.uint8).reshape(-1, OBJECT_ID_BYTES)


def pack_ids(ids: Sequence[ObjectId] | np.ndarray) -> bytes:
    """ObjectIds (or their `id_bytes`) as byte planes (every id's first byte, then every second byte, ...),
    compressed."""
    raw = ids if isinstance(ids, np.ndarray) else id_bytes(ids)
    return compress(np.ascontiguousarray(raw.T).tobytes())


def unpack_ids(data: bytes, inflate: Callable[[bytes], bytes] = decompress) -> list[ObjectId]:
    planes = np.frombuffer(inflate(data), dtype=np.uint8).reshape(OBJECT_ID_BYTES, -1)
    raw = np.ascontiguousarray(planes.T)
    return [ObjectId(row.tobytes()) for row in raw]


def pack_scores(scores: np.ndarray) -> bytes:
    return compress(np.asarray(scores, dtype=np.float32).tobytes())


def unpack_scores(data: bytes, inflate: Callable[[bytes], bytes] = decompress) -> np.ndarray:
    return np.frombuffer(inflate(data), dtype=np.float32)


def packed_arrays(candidate_ids: Sequence[ObjectId] | np.ndarray, x: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """The decision document's array fields, packed."""
    return {
        "codec": CODEC,
        "candidate_ids": pack_ids(candidate_ids),
        "features": pack_features(x),
        "n_features": int(x.shape[1]),
        "scores": pack_scores(scores),
    }


def candidate_ids(doc: Mapping[str, Any]) -> list[ObjectId]:
    if doc.get("codec") in PACKED:
        return unpack_ids(doc["candidate_ids"], _inflater(doc))
    return list(doc["candidate_ids"])


def features(doc: Mapping[str, Any]) -> np.ndarray:
    if doc.get("codec") in PACKED:
        return unpack_features(doc["features"], doc["n_features"], _inflater(doc))
    return np.frombuffer(doc["features"], dtype=np.float32).reshape(-1, doc["n_features"])


def scores(doc: Mapping[str, Any]) -> np.ndarray:
    if doc.get("codec") in PACKED:
        return unpack_scores(doc["scores"], _inflater(doc))
    return np.asarray(doc["scores"], dtype=np.float32)
