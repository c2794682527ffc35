"""Over real uvicorn and a socket: a body over the limit always gets the 413, never a connection reset."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from gateway.app import create_app
from infra.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def gateway_url(make_settings: Callable[..., Settings]) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(create_app(make_settings()), host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):  # bounded wait for the lifespan (database, indexes) and the socket
        if server.started:
            break
        time.sleep(0.1)
    assert server.started, "gateway did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def post(url: str, body: bytes, **headers: str) -> Any:
    # A fresh connection each time, like separate clients.
    with httpx.Client(timeout=30.0) as client:
        return client.post(f"{url}/graphql", content=body, headers={"content-type": "application/json", **headers})


def raw_post(url: str, size: int) -> str:
    """POST `size` bytes the way a plain client does: headers, the whole body, then read the answer.

    A server that answers and closes without reading the body makes this client's writes fail with a reset.
    """
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        head = f"POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        conn.sendall(f"{head}Content-Length: {size}\r\n\r\n".encode())
        chunk = b" " * (64 * 1024)
        try:
            for _ in range(size // len(chunk)):
                conn.sendall(chunk)
        except OSError as exc:
            return f"write failed: {exc!r}"
        answer = b""
        while not answer.endswith(b"}") or b"\r\n\r\n" not in answer:
            part = conn.recv(65536)
            if not part:
                break
            answer += part
        return answer.split(b"\r\n", 1)[0].decode()


def test_bodies_over_the_limit_always_get_413(gateway_url: str) -> None:
    sizes = [1024 * 1024] * 7 + [4 * 1024 * 1024] * 3
    statuses = [raw_post(gateway_url, size) for size in sizes]
    assert statuses == ["HTTP/1.1 413 Request Entity Too Large"] * len(sizes)


def test_bodies_over_the_limit_get_413_over_httpx(gateway_url: str) -> None:
    assert [post(gateway_url, b" " * (1024 * 1024)).status_code for _ in range(3)] == [413] * 3


def test_a_streamed_body_over_the_limit_gets_413(gateway_url: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(16):
            yield b" " * (64 * 1024)

    with httpx.Client(timeout=30.0) as client:
        response = client.post(f"{gateway_url}/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_body_within_the_limit_still_reaches_graphql(gateway_url: str) -> None:
    response = post(gateway_url, b'{"query": "{ __typename }"}')
    assert response.json()["data"] == {"__typename": "Query"}
