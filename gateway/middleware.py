"""Transport guards of the public endpoint."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A refused body is read and dropped up to this many times the limit before the 413, so that the client, still
# writing, reads the answer instead of a connection reset; past it the connection is closed anyway.
DRAIN_FACTOR = 64


class BodyTooLargeError(Exception):
    pass


class BodySizeLimitMiddleware:
    """Refuses request bodies over `max_bytes` with a 413, by Content-Length up front and by counting when streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            # A client waiting for "100 Continue" has sent nothing yet: answer without reading.
            if headers.get(b"expect", b"").lower() != b"100-continue":
                await self._drain(receive, already=0)
            await self._refuse(send)
            return
        received = 0
        more = True
        started = False

        async def counting_receive() -> Message:
            nonlocal received, more
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                more = bool(message.get("more_body", False))
                if received > self.max_bytes:
                    raise BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            if not started:
                if more:
                    await self._drain(receive, already=received)
                await self._refuse(send)

    async def _drain(self, receive: Receive, *, already: int) -> None:
        """Read the rest of the body (up to the drain cap) and drop it: the server has answered nothing yet."""
        read = already
        while read <= self.max_bytes * DRAIN_FACTOR:
            message = await receive()
            if message["type"] != "http.request":
                return
            read += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "data": None,
                "errors": [
                    {
                        "message": f"request body is larger than {self.max_bytes} bytes",
                        "extensions": {"code": "BAD_USER_INPUT"},
                    }
                ],
            }
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
