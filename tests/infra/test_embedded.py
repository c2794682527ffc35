"""The embedded server: started once per data folder, shared by a second command, data kept across restarts."""

from __future__ import annotations

from pathlib import Path

from pymongo import MongoClient

from infra import embedded


def test_acquire_starts_shares_and_release_stops(tmp_path: Path) -> None:
    uri, server = embedded.acquire(tmp_path)
    assert server is not None
    try:
        # a second command beside the first finds the same server and does not own it
        second_uri, second_server = embedded.acquire(tmp_path)
        assert (second_uri, second_server) == (uri, None)
        assert (tmp_path / embedded.URI_FILE).read_text().strip() == uri
    finally:
        embedded.release(tmp_path, server)
    assert not (tmp_path / embedded.URI_FILE).exists()
    assert embedded.answers(uri, timeout_ms=300) is False


def test_data_survives_a_restart(tmp_path: Path) -> None:
    uri, server = embedded.acquire(tmp_path)
    assert server is not None
    client: MongoClient[dict[str, object]] = MongoClient(uri)
    try:
        client["keep"]["things"].insert_one({"_id": 1, "name": "kept"})
    finally:
        client.close()
        embedded.release(tmp_path, server)
    uri, server = embedded.acquire(tmp_path)
    assert server is not None
    client = MongoClient(uri)
    try:
        assert client["keep"]["things"].find_one({"_id": 1}) == {"_id": 1, "name": "kept"}
    finally:
        client.close()
        embedded.release(tmp_path, server)


def test_stale_uri_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / embedded.URI_FILE).write_text(embedded.uri_for(embedded.free_port()) + "\n")
    uri, server = embedded.acquire(tmp_path)
    try:
        assert server is not None
        assert (tmp_path / embedded.URI_FILE).read_text().strip() == uri
    finally:
        if server:
            embedded.release(tmp_path, server)
