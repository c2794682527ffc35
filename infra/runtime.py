"""Running a process of the platform: settings with the database resolved, logging, uvicorn."""

from __future__ import annotations

import signal
import sys

from starlette.types import ASGIApp

from infra.logging import configure_logging, get_logger
from infra.mongo import resolve_mongodb_uri
from infra.settings import Settings, get_settings

log = get_logger(__name__)


def resolved_settings(settings: Settings | None = None) -> Settings:
    """Settings whose `mongodb_uri` names a server that answers (the embedded one is started if need be)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    if settings.mongodb_uri:
        return settings
    return settings.model_copy(update={"mongodb_uri": resolve_mongodb_uri(settings)})


def serve(app: ASGIApp, *, host: str, port: int, name: str) -> None:
    import uvicorn

    settings = get_settings()
    if name != "gateway" and settings.is_production and not settings.internal_api_token:
        # A service on its own port trusts its callers: in production only the platform's clients may call it.
        raise SystemExit(f"{name}: APP_ENV=production needs INTERNAL_API_TOKEN when a service runs on its own")

    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets atexit
    # hooks run, among them stopping the embedded database this process started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    log.info("listening", process=name, url=f"http://{host}:{port}")
    # One worker per process: scale out with more processes behind a balancer, not forks sharing state.
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, lifespan="on")
