"""Running a process of the platform: settings with the database resolved, logging, uvicorn."""

from __future__ import annotations

import signal
import sys

from pydantic import ValidationError
from starlette.types import ASGIApp

from infra.dev_secrets import with_secrets
from infra.logging import configure_logging, get_logger
from infra.mongo import resolve_mongodb_uri
from infra.settings import Settings, get_settings
from infra.telemetry import configure_tracing, instrument_app

log = get_logger(__name__)


def resolved_settings(settings: Settings | None = None) -> Settings:
    """Settings whose `mongodb_uri` names a server that answers (the embedded one is started if need be).

    Outside production the secrets nobody set come from the development file, shared by every process.
    Settings that may not run (production without its secrets) end the process with the reasons.
    """
    if settings is None:
        try:
            settings = get_settings()
        except ValidationError as exc:
            reasons = "; ".join(str(error["msg"]).removeprefix("Value error, ") for error in exc.errors())
            raise SystemExit(f"configuration refused: {reasons}") from None
    configure_logging(settings.log_level, access_log=settings.access_log)
    settings = with_secrets(settings)
    if settings.mongodb_uri:
        return settings
    return settings.model_copy(update={"mongodb_uri": resolve_mongodb_uri(settings)})


def serve(app: ASGIApp, *, host: str, port: int, name: str) -> None:
    import uvicorn

    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets atexit
    # hooks run, among them stopping the embedded database this process started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    # Before uvicorn enters the lifespan, where the MongoDB clients are made (the command listener is global).
    if configure_tracing(name, get_settings().otel_exporter_otlp_endpoint):
        instrument_app(app)
    log.info("listening", process=name, url=f"http://{host}:{port}")
    # One worker per process: scale out with more processes behind a balancer, not forks sharing state.
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, lifespan="on")
