"""NPS's HTTP API (internal: reached through `UsersClient`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from infra.service_app import parse_since, read_model, respond
from users_service.value.routes import query_limit
from users_service.voice.schemas import ResponseCreate, ResponseList, SurveyCreate, SurveyList
from users_service.voice.service import VoiceService


def _service(request: Request) -> VoiceService:
    service: VoiceService = request.app.state.voice
    return service


async def create_survey(request: Request) -> Response:
    survey_in = await read_model(request, SurveyCreate)
    return respond(await _service(request).create_survey(request.path_params["community_id"], survey_in), 201)


async def list_surveys(request: Request) -> Response:
    surveys = await _service(request).list_surveys(request.path_params["community_id"], limit=query_limit(request))
    return respond(SurveyList(surveys=surveys))


async def close_survey(request: Request) -> Response:
    p = request.path_params
    return respond(await _service(request).close_survey(p["community_id"], p["survey_id"]))


async def respond_to_survey(request: Request) -> Response:
    p = request.path_params
    response_in = await read_model(request, ResponseCreate)
    return respond(await _service(request).respond(p["community_id"], p["survey_id"], response_in), 201)


async def list_responses(request: Request) -> Response:
    survey_id = request.query_params.get("surveyId")
    responses = await _service(request).list_responses(
        request.path_params["community_id"], survey_id, limit=query_limit(request)
    )
    return respond(ResponseList(responses=responses))


async def report(request: Request) -> Response:
    since = parse_since(request.query_params.get("since"))
    survey_id = request.query_params.get("surveyId")
    return respond(await _service(request).report(request.path_params["community_id"], survey_id, since))


routes = [
    Route("/communities/{community_id}/nps/surveys", create_survey, methods=["POST"]),
    Route("/communities/{community_id}/nps/surveys", list_surveys, methods=["GET"]),
    Route("/communities/{community_id}/nps/surveys/{survey_id}/close", close_survey, methods=["POST"]),
    Route("/communities/{community_id}/nps/surveys/{survey_id}/responses", respond_to_survey, methods=["POST"]),
    Route("/communities/{community_id}/nps/responses", list_responses, methods=["GET"]),
    Route("/communities/{community_id}/nps/report", report, methods=["GET"]),
]
