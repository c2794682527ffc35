"""OpenTelemetry traces: off unless `OTEL_EXPORTER_OTLP_ENDPOINT` names a collector, then exported by OTLP/HTTP.

One trace follows a request from the gateway through every service it calls down to each MongoDB command: each
served process wraps its app in the Starlette instrumentation (server spans, W3C `traceparent` read from the
caller), httpx's instrumentation opens a client span per call between services and sends `traceparent` on, and
PyMongo's command listener adds a span per command. Services mounted in the gateway's process share its spans
(the call stays in one task, so the context flows without headers). Set up once per process, before the first
MongoDB client exists (the listener is registered globally), by `infra.runtime.serve`.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette

from infra.logging import get_logger

log = get_logger(__name__)

_enabled = False


def tracing_enabled() -> bool:
    return _enabled


def traces_endpoint(endpoint: str) -> str:
    """The OTLP/HTTP traces URL: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else the base URL + /v1/traces."""
    return os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or f"{endpoint.rstrip('/')}/v1/traces"


def configure_tracing(service_name: str, endpoint: str | None) -> bool:
    """Export this process's spans to `endpoint` (a collector's base URL); no endpoint, nothing is traced."""
    global _enabled
    if _enabled or not endpoint:
        return _enabled
    # Probes are not traced (an operator's own OTEL_PYTHON_STARLETTE_EXCLUDED_URLS wins); read when the
    # instrumentation is first imported, below or in instrument_app.
    os.environ.setdefault("OTEL_PYTHON_STARLETTE_EXCLUDED_URLS", "healthz,readyz,metrics")
    # Imported only when tracing is on: a process without a collector never pays for the SDK's import.
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES still win: Resource.create reads them.
    resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME") or service_name})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_endpoint(endpoint))))
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument()
    PymongoInstrumentor().instrument()
    _enabled = True
    log.info("tracing_on", service=service_name, endpoint=traces_endpoint(endpoint))
    return True


def instrument_app(app: object) -> None:
    """Server spans for a served Starlette app, when tracing is on."""
    if _enabled and isinstance(app, Starlette):
        from opentelemetry.instrumentation.starlette import StarletteInstrumentor

        StarletteInstrumentor.instrument_app(app)


def annotate_operation(kind: str, label: str, name: str | None) -> None:
    """The GraphQL operation on the request's span (`graphql.operation.type` / `.name`, the root field label)."""
    if not _enabled:
        return
    from opentelemetry import trace

    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute("graphql.operation.type", kind)
        span.set_attribute("graphql.operation.name", name or label)
        span.set_attribute("graphql.operation.root", label)
