"""The embedded server: started once per data folder, shared by a second command, data and port kept across
restarts, started again by its owner when it dies."""

from __future__ import annotations

import os
import signal
import time
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
    assert embedded.answers(uri, timeout_ms=300) is False
    assert embedded.running_uri(tmp_path) is None  # the address is remembered, but nothing answers there


def test_a_restart_keeps_the_address(tmp_path: Path) -> None:
    uri, server = embedded.acquire(tmp_path)
    assert server is not None
    embedded.release(tmp_path, server)
    again, server = embedded.acquire(tmp_path)
    assert server is not None
    try:
        assert again == uri
    finally:
        embedded.release(tmp_path, server)


def test_a_killed_server_is_started_again_on_its_port_with_its_data(tmp_path: Path) -> None:
    uri, server = embedded.acquire(tmp_path)
    assert server is not None
    assert server.process is not None
    # journal=True: an acknowledged write is in the server's log before the answer (survives kill -9).
    client: MongoClient[dict[str, object]] = MongoClient(uri, serverSelectionTimeoutMS=30_000, journal=True)
    try:
        client["keep"]["things"].insert_one({"_id": 1, "name": "kept"})
        os.kill(server.process.pid, signal.SIGKILL)
        # The same client, with no new address: the supervisor restarts the server where it was.
        assert client["keep"]["things"].find_one({"_id": 1}) == {"_id": 1, "name": "kept"}
        for _ in range(100):  # bounded: the restart count is set just after the server answers
            if server.restarts:
                break
            time.sleep(0.1)
        assert server.restarts == 1
        assert embedded.running_uri(tmp_path) == uri
    finally:
        client.close()
        embedded.release(tmp_path, server)


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
