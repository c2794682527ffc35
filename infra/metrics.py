"""Prometheus metrics, defined once for the whole process and labelled by service.

In the embedded mode several services share one process (and one registry), so every metric carries a
`service` label instead of each service registering its own copy.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from pymongo import monitoring
from starlette.requests import Request
from starlette.responses import Response

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests served", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds", "Time to serve an HTTP request", ["service", "method", "route"]
)
GRAPHQL_OPERATIONS = Counter("graphql_operations_total", "GraphQL operations executed", ["operation", "outcome"])
GRAPHQL_LATENCY = Histogram("graphql_operation_duration_seconds", "Time to execute a GraphQL operation", ["operation"])
SERVICE_CALL_LATENCY = Histogram(
    "service_call_duration_seconds", "Latency of calls to another service", ["target", "method", "outcome"]
)
DB_ERRORS = Counter("db_errors_total", "MongoDB commands that failed", ["database", "command"])
PERIODIC_RUNS = Counter("periodic_job_runs_total", "Runs of a periodic job in this process", ["job", "outcome"])
SCHEDULER_LEADER = Gauge("scheduler_leader", "1 while this process holds the job's leader lease", ["job"])


class DatabaseErrorListener(monitoring.CommandListener):
    """Counts failed MongoDB commands; registered on every `AsyncMongoClient` the platform makes."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        return None

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        return None

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        DB_ERRORS.labels(database=event.database_name, command=event.command_name).inc()


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
