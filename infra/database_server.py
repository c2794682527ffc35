"""`python infra/database_server.py [secantusd-py flags]`: SecantusDB with a short transaction lifetime.

Why: a process killed inside a transaction leaves it open on the server, and every write to the documents it
touched (a community's invoice counter, say) waits until the server reaps it. `secantusd-py` fixes that lifetime at
60 s and offers no flag or `setParameter` for it (mongod's `transactionLifetimeLimitSeconds`), so the platform
starts the same command line through this wrapper, which hands the server a lifetime of
`SECANTUS_TRANSACTION_LIFETIME_SECONDS` (default 3). The platform's transactions are short and never wait on
another process, so none of them idles that long; one that did would be retried whole by the driver.

Standalone on purpose (standard library and SecantusDB only): it runs by path, from any working directory.
"""

from __future__ import annotations

import functools
import os
import sys

from secantus import cli
from secantus.server import SecantusDBServer

LIFETIME_ENV = "SECANTUS_TRANSACTION_LIFETIME_SECONDS"
DEFAULT_LIFETIME_SECONDS = 3.0


def main(argv: list[str] | None = None) -> int:
    lifetime = float(os.environ.get(LIFETIME_ENV) or DEFAULT_LIFETIME_SECONDS)
    # cli.main builds its server from this module attribute: hand it one with the lifetime bound.
    cli.SecantusDBServer = functools.partial(SecantusDBServer, transaction_lifetime_seconds=lifetime)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
