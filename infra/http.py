"""The base of every service client: one class for real HTTP and for an app mounted in the same process."""

from __future__ import annotations

import time
from typing import Any, TypeVar

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from infra.call_gate import gated
from infra.errors import InternalError, ServiceError, UnavailableError, error_from_body
from infra.logging import request_id_var
from infra.metrics import SERVICE_CALL_LATENCY

C = TypeVar("C", bound="ServiceClient")
REQUEST_ID_HEADER = "X-Request-ID"
INTERNAL_TOKEN_HEADER = "X-Internal-Token"


class AppSlot:
    """An ASGI app filled in later, so that clients can be built before the apps that they call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            raise RuntimeError(f"in-process app {self.name} was never mounted")
        await self.app(scope, receive, send)


def in_process_transport(app: ASGIApp) -> httpx.AsyncBaseTransport:
    # raise_app_exceptions=False: a crash inside the service reaches the caller as a 500, as it would over HTTP.
    # httpx's ASGITransport imports sniffio on every request (to tell trio from asyncio): without the package that
    # import fails and searches the whole sys.path each time, so requirements.txt pins sniffio.
    return httpx.ASGITransport(app=app, raise_app_exceptions=False)


class ServiceClient:
    """Typed clients subclass this and call `_call`; errors come back as the `ServiceError` the service raised."""

    service_name = "service"

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        internal_token: str | None = None,
    ) -> None:
        headers = {INTERNAL_TOKEN_HEADER: internal_token} if internal_token else {}
        self._http = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=timeout, headers=headers)

    @classmethod
    def in_process(cls: type[C], app: ASGIApp, **kwargs: Any) -> C:
        """A client of `app` mounted in this process: same class, same paths, no network."""
        return cls(f"http://{cls.service_name}.in-process", transport=in_process_transport(app), **kwargs)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        headers = {}
        request_id = request_id_var.get()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        started = time.perf_counter()
        outcome = "error"
        try:
            response = await gated(lambda: self._http.request(method, path, json=json, params=params, headers=headers))
            outcome = "ok" if response.status_code < 400 else str(response.status_code)
        except httpx.TimeoutException as exc:
            outcome = "timeout"
            raise UnavailableError(f"{self.service_name} service timed out") from exc
        except httpx.TransportError as exc:
            outcome = "unreachable"
            raise UnavailableError(f"{self.service_name} service is unreachable") from exc
        finally:
            SERVICE_CALL_LATENCY.labels(target=self.service_name, method=method, outcome=outcome).observe(
                time.perf_counter() - started
            )
        return self._decode(response)

    def _decode(self, response: httpx.Response) -> Any:
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        if response.status_code < 400:
            return body
        if isinstance(body, dict) and "code" in body:
            error: ServiceError = error_from_body(body, response.status_code)
            raise error
        if response.status_code in (502, 503, 504):
            raise UnavailableError(f"{self.service_name} service is unavailable")
        raise InternalError(f"{self.service_name} service answered {response.status_code}")

    async def ready(self) -> bool:
        try:
            response = await self._http.get("/readyz", timeout=0.9)
        except httpx.HTTPError:
            return False
        return response.status_code == 200
