"""Templates' HTTP API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.production.routes import int_param
from content_service.templates.schemas import (
    ContentFromTemplate,
    DraftText,
    ExportFormat,
    TemplateImport,
    TemplateList,
    TemplateSave,
)
from content_service.templates.service import TemplateService
from infra.errors import BadInputError
from infra.service_app import read_model, respond


def _service(request: Request) -> TemplateService:
    service: TemplateService = request.app.state.templates
    return service


async def list_templates(request: Request) -> Response:
    limit = min(int_param(request, "limit", 100) or 100, 500)
    return respond(TemplateList(items=await _service(request).list_(request.path_params["community_id"], limit=limit)))


async def get_template(request: Request) -> Response:
    p = request.path_params
    return respond(await _service(request).get(p["community_id"], p["template_id"]))


async def save_template(request: Request) -> Response:
    save = await read_model(request, TemplateSave)
    return respond(await _service(request).save(request.path_params["community_id"], save))


async def import_templates(request: Request) -> Response:
    body = await read_model(request, TemplateImport)
    return respond(await _service(request).import_(request.path_params["community_id"], body))


async def export_templates(request: Request) -> Response:
    raw = request.query_params.get("format", "JSON").upper()
    if raw not in ExportFormat.__members__:
        raise BadInputError("format is JSON or YAML", field="format")
    return respond(await _service(request).export(request.path_params["community_id"], ExportFormat(raw)))


async def create_from_template(request: Request) -> Response:
    body = await read_model(request, ContentFromTemplate)
    return respond(await _service(request).create_content(request.path_params["community_id"], body), 201)


async def performance(request: Request) -> Response:
    p = request.path_params
    return respond(await _service(request).performance(p["community_id"], p["template_id"]))


async def assist(request: Request) -> Response:
    draft = await read_model(request, DraftText)
    return respond(await _service(request).assist(request.path_params["community_id"], draft))


C = "/communities/{community_id}"
routes = [
    Route(C + "/templates", list_templates, methods=["GET"]),
    Route(C + "/templates", save_template, methods=["POST"]),
    Route(C + "/templates/import", import_templates, methods=["POST"]),
    Route(C + "/templates/export", export_templates, methods=["GET"]),
    Route(C + "/templates/{template_id}", get_template, methods=["GET"]),
    Route(C + "/templates/{template_id}/performance", performance, methods=["GET"]),
    Route(C + "/content-from-template", create_from_template, methods=["POST"]),
    Route(C + "/drafts/assist", assist, methods=["POST"]),
]
