"""NPS over HTTP: surveys, answers and reports (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.route_params import community_id, path_id
from infra.service_app import parse_since, read_model, respond
from users_service.routes.common import query_id, query_limit, service
from users_service.schemas.voice import ResponseCreate, ResponseList, SurveyCreate, SurveyList


async def create_survey(request: Request) -> Response:
    survey_in = await read_model(request, SurveyCreate)
    return respond(await service(request).voice.create_survey(community_id(request), survey_in), 201)


async def list_surveys(request: Request) -> Response:
    surveys = await service(request).voice.list_surveys(community_id(request), limit=query_limit(request))
    return respond(SurveyList(surveys=surveys))


async def close_survey(request: Request) -> Response:
    cid, survey_id = community_id(request), path_id(request, "survey_id")
    return respond(await service(request).voice.close_survey(cid, survey_id))


async def respond_to_survey(request: Request) -> Response:
    cid, survey_id = community_id(request), path_id(request, "survey_id")
    response_in = await read_model(request, ResponseCreate)
    return respond(await service(request).voice.respond(cid, survey_id, response_in), 201)


async def list_responses(request: Request) -> Response:
    cid, survey_id = community_id(request), query_id(request, "surveyId")
    responses = await service(request).voice.list_responses(cid, survey_id, limit=query_limit(request))
    return respond(ResponseList(responses=responses))


async def report(request: Request) -> Response:
    cid, survey_id = community_id(request), query_id(request, "surveyId")
    since = parse_since(request.query_params.get("since"))
    return respond(await service(request).voice.report(cid, survey_id, since))


_base = "/communities/{community_id}/nps"
ROUTES = [
    Route(f"{_base}/surveys", create_survey, methods=["POST"]),
    Route(f"{_base}/surveys", list_surveys, methods=["GET"]),
    Route(f"{_base}/surveys/{{survey_id}}/close", close_survey, methods=["POST"]),
    Route(f"{_base}/surveys/{{survey_id}}/responses", respond_to_survey, methods=["POST"]),
    Route(f"{_base}/responses", list_responses, methods=["GET"]),
    Route(f"{_base}/report", report, methods=["GET"]),
]
