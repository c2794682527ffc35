"""`python -m gateway.heavy_lane_child`: the heavy lane's child (gateway/heavy_lane.py), started by a gateway.

The same gateway app on the unix socket HEAVY_LANE_SOCKET names, from the settings its parent passed in the
environment (no child of its own, no budgets: its parent charged them). It ends with its parent (SIGTERM).
"""

from __future__ import annotations

import os
import signal
import sys

from gateway.app import create_app
from gateway.heavy_lane import SOCKET_ENV
from infra.runtime import resolved_settings


def main() -> None:
    import uvicorn

    socket = os.environ[SOCKET_ENV]
    app = create_app(resolved_settings())
    # SIGTERM (from the parent, or its death) ends the child through uvicorn's shutdown, so atexit hooks run.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    uvicorn.run(app, uds=socket, log_config=None, access_log=False, lifespan="on")


if __name__ == "__main__":
    main()
