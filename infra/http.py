"""The base of every service client: one class for real HTTP and for an app mounted in the same process."""

from __future__ import annotations

import json as jsonlib
import time
from typing import Any, TypeVar
from urllib.parse import quote, unquote

import httpx
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from infra.asgi_call import AppResponse, call_app
from infra.call_gate import gated
from infra.errors import InternalError, ServiceError, UnavailableError, error_from_body
from infra.logging import request_id_var
from infra.metrics import SERVICE_CALL_LATENCY
from infra.telemetry import tracing_enabled

C = TypeVar("C", bound="ServiceClient")
M = TypeVar("M", bound=BaseModel)
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
        # Set by `in_process`: `_call` then hands the request to the app directly (infra/asgi_call.py).
        self._app: ASGIApp | None = None
        self._host = self._http.base_url.host
        self._app_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    @classmethod
    def in_process(cls: type[C], app: ASGIApp, **kwargs: Any) -> C:
        """A client of `app` mounted in this process: same class, same paths, no network. Its calls go to the app
        as ASGI requests without httpx's client around them (~110 µs of CPU less a call); `_http` (httpx's
        ASGITransport) stays for the readiness probe, raw requests and traced processes."""
        client = cls(f"http://{cls.service_name}.in-process", transport=in_process_transport(app), **kwargs)
        client._app = app
        return client

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        return self._decode(await self._send(method, path, json=json, params=params))

    async def _call_model(
        self, model: type[M], method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> M:
        """`_call` whose answer is `model`, validated straight from the response's JSON bytes (pydantic's parser:
        no `json.loads` into dicts to validate after); errors come back as `_call` raises them."""
        response = await self._send(method, path, json=json, params=params)
        if response.status_code < 400 and response.content:
            return model.model_validate_json(response.content)
        return model.model_validate(self._decode(response))

    async def _send(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> httpx.Response | AppResponse:
        headers = {}
        request_id = request_id_var.get()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        started = time.perf_counter()
        outcome = "error"
        try:
            # Traced, the call goes through httpx, whose instrumentation opens its client span (infra/telemetry.py).
            if self._app is not None and not tracing_enabled():
                response: httpx.Response | AppResponse = await gated(
                    lambda: self._call_app(method, path, json=json, params=params, headers=headers)
                )
            else:
                response = await gated(
                    lambda: self._http.request(method, path, json=json, params=params, headers=headers)
                )
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
        return response

    async def _call_app(
        self, method: str, path: str, *, json: Any, params: dict[str, Any] | None, headers: dict[str, str]
    ) -> AppResponse:
        """The request `self._http` would send, encoded as httpx encodes it (JSON body, query parameters, path),
        handed to the mounted app."""
        assert self._app is not None
        sent = [*self._app_headers, *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())]
        body = b""
        if json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
            sent.append((b"content-type", b"application/json"))
        path, _, query_in_path = path.partition("?")
        query = str(httpx.QueryParams(params)) if params else query_in_path  # httpx's params replace the path's
        raw_path = quote(path, safe="/%:@!$&'()*+,;=~")
        return await call_app(
            self._app, method, self._host, unquote(raw_path), raw_path, query.encode("ascii"), sent, body
        )

    def _decode(self, response: httpx.Response | AppResponse) -> Any:
        try:
            body = jsonlib.loads(response.content) if response.content else None
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
