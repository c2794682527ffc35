"""The template library, creation from a template and draft assistance over HTTP."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from content_service.routes.params import query_limit, service
from content_service.schemas.templates import (
    ContentFromTemplate,
    DraftText,
    ExportFormat,
    TemplateImport,
    TemplateList,
    TemplateSave,
)
from infra.errors import BadInputError
from infra.route_params import community_id, path_id
from infra.service_app import read_model, respond


async def list_templates(request: Request) -> Response:
    items = await service(request).templates.list_(community_id(request), limit=query_limit(request))
    return respond(TemplateList(items=items))


async def get_template(request: Request) -> Response:
    return respond(await service(request).templates.get(community_id(request), path_id(request, "template_id")))


async def save_template(request: Request) -> Response:
    save = await read_model(request, TemplateSave)
    return respond(await service(request).templates.save(community_id(request), save))


async def import_templates(request: Request) -> Response:
    body = await read_model(request, TemplateImport)
    return respond(await service(request).templates.import_(community_id(request), body))


async def export_templates(request: Request) -> Response:
    raw = request.query_params.get("format", "JSON").upper()
    if raw not in ExportFormat.__members__:
        raise BadInputError("format is JSON or YAML", field="format")
    return respond(await service(request).templates.export(community_id(request), ExportFormat(raw)))


async def create_from_template(request: Request) -> Response:
    body = await read_model(request, ContentFromTemplate)
    return respond(await service(request).templates.create_content(community_id(request), body), 201)


async def performance(request: Request) -> Response:
    template_id = path_id(request, "template_id")
    return respond(await service(request).templates.performance(community_id(request), template_id))


async def assist(request: Request) -> Response:
    draft = await read_model(request, DraftText)
    return respond(await service(request).templates.assist(community_id(request), draft))


C = "/communities/{community_id}"
ROUTES = [
    Route(C + "/templates", list_templates, methods=["GET"]),
    Route(C + "/templates", save_template, methods=["POST"]),
    Route(C + "/templates/import", import_templates, methods=["POST"]),
    Route(C + "/templates/export", export_templates, methods=["GET"]),
    Route(C + "/templates/{template_id}", get_template, methods=["GET"]),
    Route(C + "/templates/{template_id}/performance", performance, methods=["GET"]),
    Route(C + "/content-from-template", create_from_template, methods=["POST"]),
    Route(C + "/drafts/assist", assist, methods=["POST"]),
]
