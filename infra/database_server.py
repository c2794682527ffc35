"""`python infra/database_server.py [secantusd-py flags]`: SecantusDB with a short transaction lifetime.

Why: a process killed inside a transaction leaves it open on the server, and every write to the documents it
touched (a community's invoice counter, say) waits until the server reaps it. `secantusd-py` fixes that lifetime at
60 s and offers no flag or `setParameter` for it (mongod's `transactionLifetimeLimitSeconds`), so the platform
starts the same command line through this wrapper, which hands the server a lifetime of
`SECANTUS_TRANSACTION_LIFETIME_SECONDS` (default 10). The platform's transactions are short and never wait on
another process; SecantusDB counts the lifetime from the start of a transaction's last statement, and under
sustained concurrent writes on one shared core a statement could wait 3 s (the tenth session's default): the
server reaped live transactions, which the driver ran again whole, tripling a 100-event request's server CPU in 2
of 4 `--events-only` runs and in none of 4 at 10 s (README, "Events in: the transaction lifetime").

SecantusDB reaps expired transactions only when another transaction command arrives; a plain write waiting on a
dead transaction's document would wait for ever on a quiet server. A thread here reaps every second.

Standalone on purpose (standard library and SecantusDB only): it runs by path, from any working directory.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from typing import Any

LIFETIME_ENV = "SECANTUS_TRANSACTION_LIFETIME_SECONDS"
DEFAULT_LIFETIME_SECONDS = 10.0
REAP_INTERVAL_SECONDS = 1.0


def reap(server: Any) -> None:
    while True:
        time.sleep(REAP_INTERVAL_SECONDS)
        with contextlib.suppress(Exception):  # a server shutting down; the daemon thread ends with the process
            server.transactions.prune_expired()


def main(argv: list[str] | None = None) -> int:
    # SecantusDB is a development package (requirements-dev.txt): imported only when this wrapper runs.
    from secantus import cli
    from secantus.server import SecantusDBServer

    lifetime = float(os.environ.get(LIFETIME_ENV) or DEFAULT_LIFETIME_SECONDS)

    def build(*args: Any, **kwargs: Any) -> Any:
        server = SecantusDBServer(*args, transaction_lifetime_seconds=lifetime, **kwargs)
        threading.Thread(target=reap, args=(server,), name="transaction-reaper", daemon=True).start()
        return server

    # cli.main builds its server from this module attribute: hand it one with the lifetime bound and a reaper.
    cli.SecantusDBServer = build
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
