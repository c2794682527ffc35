"""NPS calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.voice import (
    NpsReport,
    ResponseCreate,
    ResponseList,
    ResponseRead,
    SurveyCreate,
    SurveyList,
    SurveyRead,
)


def _nps(community_id: str) -> str:
    return f"{community_path(community_id)}/nps"


class VoiceClientMixin(ServiceClient):
    async def create_nps_survey(self, community_id: str, survey_in: SurveyCreate) -> SurveyRead:
        body = await self._call("POST", f"{_nps(community_id)}/surveys", json=survey_in.to_wire())
        return SurveyRead.model_validate(body)

    async def list_nps_surveys(self, community_id: str, *, limit: int = 20) -> list[SurveyRead]:
        body = await self._call("GET", f"{_nps(community_id)}/surveys", params={"limit": limit})
        return SurveyList.model_validate(body).surveys

    async def close_nps_survey(self, community_id: str, survey_id: str) -> SurveyRead:
        path = f"{_nps(community_id)}/surveys/{segment(survey_id, field='surveyId')}/close"
        return SurveyRead.model_validate(await self._call("POST", path))

    async def respond_nps(self, community_id: str, survey_id: str, response_in: ResponseCreate) -> ResponseRead:
        path = f"{_nps(community_id)}/surveys/{segment(survey_id, field='surveyId')}/responses"
        return ResponseRead.model_validate(await self._call("POST", path, json=response_in.to_wire()))

    async def list_nps_responses(
        self, community_id: str, survey_id: str | None = None, *, limit: int = 20
    ) -> list[ResponseRead]:
        params: dict[str, Any] = {"limit": limit}
        if survey_id:
            params["surveyId"] = survey_id
        body = await self._call("GET", f"{_nps(community_id)}/responses", params=params)
        return ResponseList.model_validate(body).responses

    async def nps_report(
        self, community_id: str, survey_id: str | None = None, since: datetime | None = None
    ) -> NpsReport:
        params: dict[str, Any] = {}
        if survey_id:
            params["surveyId"] = survey_id
        if since:
            params["since"] = since.isoformat()
        body = await self._call("GET", f"{_nps(community_id)}/report", params=params or None)
        return NpsReport.model_validate(body)
