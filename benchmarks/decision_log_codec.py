"""The decision log's codecs on a slot run's real decisions: CPU to pack a member's decision, and its stored bytes.

`benchmarks/slot_run.py` calls `codec_figures` on decisions its run stored (read back whole: ids, features and
scores unpacked, then packed again with each codec, as `domain/decision_log.packed_arrays` packs them): zlib level
1 (the log's codec before zstd), zstd level 1 (`decision_log.CODEC` now) and 3, and lz4's block format when lz4 is
installed (it is not a dependency: None otherwise). The CPU is this thread's (`time.thread_time`), best of
`ROUNDS` passes over the decisions, per decision (one a member).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import zstandard

from distribution_service.domain import decision_log

ROUNDS = 5


def _payloads(doc: Mapping[str, Any]) -> list[bytes]:
    """The three arrays a decision packs, laid out as `decision_log` lays them out before compressing."""
    raw_ids = decision_log.id_bytes(decision_log.candidate_ids(doc))
    return [
        np.ascontiguousarray(raw_ids.T).tobytes(),
        np.ascontiguousarray(decision_log.features(doc).T).tobytes(),
        decision_log.scores(doc).tobytes(),
    ]


def _codecs() -> dict[str, Callable[[bytes], bytes] | None]:
    zstd1, zstd3 = zstandard.ZstdCompressor(level=1), zstandard.ZstdCompressor(level=3)
    try:
        import lz4.block  # type: ignore[import-not-found, import-untyped, unused-ignore]

        lz4_block: Callable[[bytes], bytes] | None = lz4.block.compress
    except ImportError:
        lz4_block = None
    return {
        "zlib1": lambda b: zlib.compress(b, 1),
        "zstd1": zstd1.compress,
        "zstd3": zstd3.compress,
        "lz4_block": lz4_block,
    }


def codec_figures(docs: Sequence[Mapping[str, Any]]) -> dict[str, float | None]:
    """Per codec: `decision_log_<codec>_pack_us_per_member` and `decision_log_<codec>_bytes_per_member`."""
    payloads = [_payloads(doc) for doc in docs]
    figures: dict[str, float | None] = {}
    for name, compress in _codecs().items():
        if compress is None or not payloads:
            figures[f"decision_log_{name}_pack_us_per_member"] = None
            figures[f"decision_log_{name}_bytes_per_member"] = None
            continue
        best = float("inf")
        for _ in range(ROUNDS):
            started = time.thread_time()
            stored = sum(len(compress(part)) for parts in payloads for part in parts)
            best = min(best, time.thread_time() - started)
        figures[f"decision_log_{name}_pack_us_per_member"] = round(best / len(payloads) * 1e6, 1)
        figures[f"decision_log_{name}_bytes_per_member"] = round(stored / len(payloads))
    return figures
