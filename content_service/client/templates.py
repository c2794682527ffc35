"""ContentClient's templates calls (mixed into `content_service.client.ContentClient`)."""

from __future__ import annotations

from content_service.schemas.content import ContentRead
from content_service.schemas.templates import (
    ContentFromTemplate,
    DraftAssist,
    DraftText,
    ExportFormat,
    ImportReport,
    TemplateExport,
    TemplateImport,
    TemplateList,
    TemplatePerformance,
    TemplateRead,
    TemplateSave,
)
from infra.http import ServiceClient
from infra.paths import community_path, segment


class TemplateCalls(ServiceClient):
    async def list_templates(self, community_id: str, *, limit: int = 100) -> list[TemplateRead]:
        body = await self._call("GET", f"{community_path(community_id)}/templates", params={"limit": limit})
        return TemplateList.model_validate(body).items

    async def get_template(self, community_id: str, template_id: str) -> TemplateRead:
        path = f"{community_path(community_id)}/templates/{segment(template_id, field='templateId')}"
        return TemplateRead.model_validate(await self._call("GET", path))

    async def save_template(self, community_id: str, save: TemplateSave) -> TemplateRead:
        path = f"{community_path(community_id)}/templates"
        return TemplateRead.model_validate(await self._call("POST", path, json=save.to_wire()))

    async def import_templates(self, community_id: str, request: TemplateImport) -> ImportReport:
        path = f"{community_path(community_id)}/templates/import"
        return ImportReport.model_validate(await self._call("POST", path, json=request.to_wire()))

    async def export_templates(self, community_id: str, fmt: ExportFormat) -> TemplateExport:
        path = f"{community_path(community_id)}/templates/export"
        return TemplateExport.model_validate(await self._call("GET", path, params={"format": fmt.value}))

    async def create_from_template(self, community_id: str, request: ContentFromTemplate) -> ContentRead:
        path = f"{community_path(community_id)}/content-from-template"
        return ContentRead.model_validate(await self._call("POST", path, json=request.to_wire()))

    async def template_performance(self, community_id: str, template_id: str) -> TemplatePerformance:
        path = f"{community_path(community_id)}/templates/{segment(template_id, field='templateId')}/performance"
        return TemplatePerformance.model_validate(await self._call("GET", path))

    async def assist_draft(self, community_id: str, draft: DraftText) -> DraftAssist:
        path = f"{community_path(community_id)}/drafts/assist"
        return DraftAssist.model_validate(await self._call("POST", path, json=draft.to_wire()))
