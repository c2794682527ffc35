"""The decision log's packed arrays read back exactly, and older unpacked documents still read."""

from __future__ import annotations

import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import zstandard
from bson import BSON, Binary, ObjectId

from distribution_service.domain import decision_log


def matrix(rows: int) -> np.ndarray:
    """Shaped like a served decision: member and context columns constant, four continuous content columns,
    the other content columns from a few values, crosses mostly zero."""
    rng = np.random.default_rng(3)
    x = np.zeros((rows, 23), dtype=np.float32)
    x[:, 0:6] = [3.0, 61.5, 1.25, 4.0, 6.5, 12.0]
    x[:, 15:19] = [2.0, 0.0, 3.0, 20.5]
    x[:, [7, 10, 11, 12]] = rng.uniform(0.0, 60.0, size=(rows, 4))
    x[:, [6, 8, 9, 13, 14]] = rng.integers(0, 5, size=(rows, 5))
    x[:, 19:23] = np.where(rng.random((rows, 4)) < 0.1, rng.random((rows, 4)), 0.0)
    x[rows // 2, 13] = np.nan  # unknown author tier
    return x


def test_packed_arrays_round_trip_ids_features_and_scores_exactly() -> None:
    ids = [ObjectId() for _ in range(499)]
    x = matrix(499)
    scores = np.linspace(-1.0, 2.0, 499)
    # when
    doc = decision_log.packed_arrays(ids, x, scores)
    # then
    assert decision_log.candidate_ids(doc) == ids
    np.testing.assert_array_equal(decision_log.features(doc), x)
    np.testing.assert_array_equal(decision_log.scores(doc), scores.astype(np.float32))


def test_packing_a_decision_of_500_candidates_stores_under_half_the_plain_bson() -> None:
    ids = [ObjectId() for _ in range(500)]
    x = matrix(500)
    scores = np.linspace(-1.0, 2.0, 500)
    plain = {
        "candidate_ids": ids,
        "features": Binary(x.tobytes()),
        "n_features": 23,
        "scores": [float(s) for s in scores],
    }
    # when
    packed = decision_log.packed_arrays(ids, x, scores)
    # then
    assert len(BSON.encode(packed)) < len(BSON.encode(plain)) / 2


def test_an_empty_decision_packs_and_reads_back_empty() -> None:
    doc = decision_log.packed_arrays([], np.empty((0, 23), dtype=np.float32), np.empty(0))
    assert decision_log.candidate_ids(doc) == []
    assert decision_log.features(doc).shape == (0, 23)
    assert decision_log.scores(doc).shape == (0,)


def test_a_document_logged_before_packing_reads_as_it_was_written() -> None:
    ids = [ObjectId() for _ in range(3)]
    x = matrix(3)
    doc = {
        "candidate_ids": ids,
        "features": Binary(x.tobytes()),
        "n_features": 23,
        "scores": [0.5, 0.25, 0.125],
    }
    assert decision_log.candidate_ids(doc) == ids
    np.testing.assert_array_equal(decision_log.features(doc), x)
    np.testing.assert_array_equal(decision_log.scores(doc), np.array([0.5, 0.25, 0.125], dtype=np.float32))


def test_a_decision_packed_with_zlib_before_zstd_still_reads() -> None:
    ids = [ObjectId() for _ in range(40)]
    x = matrix(40)
    scores = np.linspace(0.0, 1.0, 40).astype(np.float32)
    doc = {
        "codec": decision_log.ZLIB_CODEC,
        "candidate_ids": zlib.compress(np.ascontiguousarray(decision_log.id_bytes(ids).T).tobytes(), 1),
        "features": zlib.compress(np.ascontiguousarray(x.T).tobytes(), 1),
        "n_features": 23,
        "scores": zlib.compress(scores.tobytes(), 1),
    }
    assert decision_log.candidate_ids(doc) == ids
    np.testing.assert_array_equal(decision_log.features(doc), x)
    np.testing.assert_array_equal(decision_log.scores(doc), scores)


def test_new_decisions_are_packed_with_zstd() -> None:
    doc = decision_log.packed_arrays([ObjectId()], matrix(1), np.array([0.5]))
    assert doc["codec"] == decision_log.CODEC == "zstd-columns-1"
    assert zstandard.ZstdDecompressor().decompress(doc["scores"]) == np.float32(0.5).tobytes()


def test_threads_packing_at_once_each_read_back_their_own_decision() -> None:
    def pack_and_read(seed: int) -> bool:
        x = np.full((300, 23), float(seed), dtype=np.float32)
        return all(
            np.array_equal(decision_log.unpack_features(decision_log.pack_features(x), 23), x) for _ in range(50)
        )

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(pack_and_read, range(8)))
