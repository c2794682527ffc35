"""GraphQL over HTTP at the edge: the media type a client accepts, and the status a request error answers.

`application/graphql-response+json` (the GraphQL-over-HTTP spec's type) is answered when the client prefers it
to `application/json`; with it, a request error (nothing executed: no `data`) answers 4xx and carries no `data`
entry, while `application/json` keeps the legacy 200 for every GraphQL result.
"""

from __future__ import annotations

import json

from starlette.responses import Response

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def _weights(accept: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            weights[media.lower()] = max(quality, weights.get(media.lower(), 0.0))
    return weights


def prefers_graphql_response(accept: str | None) -> bool:
    """True when the Accept header ranks the GraphQL response type above plain JSON (and any wildcard)."""
    if not accept:
        return False
    weights = _weights(accept)
    wanted = weights.get(GRAPHQL_RESPONSE, 0.0)
    if wanted <= 0:
        return False
    return wanted >= max(weights.get(JSON, 0.0), weights.get("application/*", 0.0), weights.get("*/*", 0.0))


def as_graphql_response(response: Response) -> Response:
    """The same answer typed `application/graphql-response+json`; a request error (a 200 from the GraphQL layer,
    or a transport refusal) carries no `data` entry and a 4xx status."""
    body = bytes(response.body)
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        payload = None
    if _is_request_error(payload):
        assert isinstance(payload, dict)
        payload.pop("data", None)
        status = 400 if response.status_code == 200 else response.status_code
        response = Response(json.dumps(payload), status_code=status, headers=_kept_headers(response))
    response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
    return response


def _is_request_error(payload: object) -> bool:
    """Nothing executed: errors, no data, and no error tied to a field's path."""
    if not isinstance(payload, dict) or payload.get("data") is not None or not payload.get("errors"):
        return False
    return all(isinstance(e, dict) and not e.get("path") for e in payload["errors"])


def _kept_headers(response: Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
