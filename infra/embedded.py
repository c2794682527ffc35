"""The embedded MongoDB-compatible server (SecantusDB) that development and tests run on.

One server per data folder: whoever starts it writes its address to `var/mongodb.uri`; any later command finds it
there and shares it instead of opening the same WiredTiger files twice. Start-up is serialised by a file lock, so
two commands launched together still end with one server.

The address is kept: a server started again on a data folder takes the port its `mongodb.uri` names (when the port
is free), so services started beside it reconnect to the same address by themselves. The process that started the
server supervises it and starts it again, on the same port and data, if it dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from infra.logging import get_logger
from infra.processes import stop_all

log = get_logger(__name__)

URI_FILE = "mongodb.uri"
LOCK_FILE = "mongodb.lock"
DATA_DIR = "mongodb-data"
LOG_FILE = "mongodb.log"
START_TIMEOUT_SECONDS = 60.0


def server_command() -> list[str]:
    """`secantusd-py`, through the wrapper that bounds its transaction lifetime (see infra/database_server.py).

    `-P`: the wrapper runs by path, and its folder (infra/, which has a `logging` module) must not shadow the
    standard library.
    """
    if importlib.util.find_spec("secantus") is None:
        raise RuntimeError("SecantusDB not found: install the SecantusDB package (make install)")
    return [sys.executable, "-P", str(Path(__file__).with_name("database_server.py"))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As a listening server binds: connections of the previous server in TIME_WAIT do not hold the port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def remembered_port(var_dir: Path) -> int | None:
    """The port `var/mongodb.uri` names, if any: a restarted server takes it again."""
    path = var_dir / URI_FILE
    if not path.exists():
        return None
    text = path.read_text().strip()
    try:
        return int(text.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


# How long a client of the embedded server waits for a new connection's handshake and for a heartbeat's answer
# (PyMongo's `connectTimeoutMS`: its monitor reads with it too) before it gives the server up and drops every
# connection to it, cancelling the operations in flight. SecantusDB serves each connection from a thread of one
# Python process: while it works hard (deleting a 100,000-member slot run's deliveries from disk, say) a heartbeat can
# wait seconds for the process's attention, and the platform's 2 s (infra/mongo.py, CONNECT_TIMEOUT_MS, kept for a
# deployment's MongoDB) then cut off work that was progressing. A server that is down refuses the connection at once
# on the loopback, so this does not slow the UNAVAILABLE of an outage (server selection, 1.5 s, bounds that).
CLIENT_CONNECT_TIMEOUT_MS = 30_000
# How long a client keeps a pooled connection unused before it closes it instead of sending on it: well under the
# 300 s after which SecantusDB closes a connection that sent nothing (`client_idle_timeout_s`). A connection left idle
# in the pool since a burst (a community's build) was closed by the server just as the client used it again, and the
# client then cleared its pool (a 100,000-member slot run: "connection is already closed").
CLIENT_MAX_IDLE_MS = 60_000


def uri_for(port: int) -> str:
    """The embedded server's address, with the connect timeout and idle limit its clients need (above): every client
    built from it, in this process or another, gets the options."""
    return (
        f"mongodb://127.0.0.1:{port}/?directConnection=true"
        f"&connectTimeoutMS={CLIENT_CONNECT_TIMEOUT_MS}&maxIdleTimeMS={CLIENT_MAX_IDLE_MS}"
    )


def answers(uri: str, timeout_ms: int = 1500) -> bool:
    """True when a server at `uri` replies to ping."""
    client: MongoClient[dict[str, object]] = MongoClient(
        uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


class EmbeddedServer:
    """A SecantusDB process this program started; `stop()` ends it."""

    def __init__(
        self,
        storage: str,
        *,
        port: int | None = None,
        log_path: Path | None = None,
        test_commands: bool = False,
        sync_on_commit: bool = False,
    ) -> None:
        self.storage = storage
        self.port = port or free_port()
        self.log_path = log_path
        self.test_commands = test_commands
        self.sync_on_commit = sync_on_commit
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self.restarts = 0

    @property
    def uri(self) -> str:
        return uri_for(self.port)

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        args = [
            *server_command(),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--storage-path",
            self.storage,
            "--log-level",
            "WARNING",
        ]
        if self.test_commands:
            args.append("--enable-test-commands")
        if self.sync_on_commit:
            args.append("--sync-on-commit")
        self._log = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115 - closed in stop()
        out: IO[bytes] | int = self._log if self._log else subprocess.DEVNULL
        # Its own process group, so Ctrl-C on the terminal reaches our process (the foreground group), which shuts
        # the server down last; our session, so the kernel schedules it in the platform's autogroup, where its
        # niceness (SECANTUS_NICE, infra/database_server.py) weighs against our threads, not the rest of the machine.
        self.process = subprocess.Popen(args, stdout=out, stderr=out, process_group=0)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"embedded MongoDB server exited with {self.process.returncode}; see {self.log_path}"
                )
            if answers(self.uri, timeout_ms=500):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"embedded MongoDB server did not answer within {timeout:.0f}s")

    def supervise(self, interval: float = 0.5) -> None:
        """Watch the server from a daemon thread and start it again (same port, same data) if it dies."""
        if self._supervisor is not None:
            return
        self._supervisor = threading.Thread(target=self._watch, args=(interval,), name="embedded-mongodb", daemon=True)
        self._supervisor.start()

    def _watch(self, interval: float) -> None:
        while not self._stopping.wait(interval):
            if self.process is None or self.process.poll() is None:
                continue
            log.warning("embedded_mongodb_died", uri=self.uri, returncode=self.process.returncode)
            for _ in range(10):
                if self._stopping.is_set():
                    return
                try:
                    if self._log:
                        self._log.close()
                        self._log = None
                    self.start()
                    self.restarts += 1
                    log.info("embedded_mongodb_restarted", uri=self.uri, restarts=self.restarts)
                    break
                except RuntimeError as exc:  # the port or the WiredTiger lock may still be held for a moment
                    log.warning("embedded_mongodb_restart_failed", error=str(exc))
                    time.sleep(1.0)

    def stop(self) -> None:
        self._stopping.set()
        if self._supervisor is not None and self._supervisor is not threading.current_thread():
            self._supervisor.join(timeout=5)
        try:
            self._terminate()
        finally:
            if self._log:
                self._log.close()
                self._log = None

    def _terminate(self) -> None:
        if self.process is not None:
            stop_all([self.process], grace=20)


@contextlib.contextmanager
def _locked(var_dir: Path) -> Iterator[None]:
    with open(var_dir / LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def running_uri(var_dir: Path) -> str | None:
    """The address in `var/mongodb.uri` if a server there answers."""
    path = var_dir / URI_FILE
    if not path.exists():
        return None
    uri = path.read_text().strip()
    return uri if uri and answers(uri) else None


def acquire(var_dir: Path) -> tuple[str, EmbeddedServer | None]:
    """Reuse the embedded server named in `var/` or start one; returns its URI and the server if we own it."""
    var_dir.mkdir(parents=True, exist_ok=True)
    with _locked(var_dir):
        uri = running_uri(var_dir)
        if uri:
            log.info("embedded_mongodb_reused", uri=uri)
            return uri, None
        server = _start_with_retries(var_dir)
        (var_dir / URI_FILE).write_text(server.uri + "\n")
        server.supervise()
        log.info("embedded_mongodb_started", uri=server.uri, pid=server.process.pid if server.process else None)
        return server.uri, server


def _start_with_retries(var_dir: Path, attempts: int = 5) -> EmbeddedServer:
    # A server that was just stopped may still hold the WiredTiger lock for a moment.
    remembered = remembered_port(var_dir)
    for attempt in range(1, attempts + 1):
        port = remembered if remembered and port_is_free(remembered) else None
        server = EmbeddedServer(str(var_dir / DATA_DIR), port=port, log_path=var_dir / LOG_FILE)
        try:
            server.start()
            return server
        except RuntimeError:
            if attempt == attempts:
                raise
            time.sleep(2.0)
    raise AssertionError("unreachable")


def release(var_dir: Path, server: EmbeddedServer) -> None:
    """Stop a server we started; its address stays in `var/mongodb.uri` for the next start to take again."""
    with _locked(var_dir):
        server.stop()
    log.info("embedded_mongodb_stopped", uri=server.uri)
