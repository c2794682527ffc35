"""ContentClient's template calls."""

from __future__ import annotations

from content_service.schemas import ContentRead
from content_service.templates.schemas import (
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
from infra.schemas import seg


class TemplateCalls(ServiceClient):
    async def list_templates(self, community_id: str, *, limit: int = 100) -> list[TemplateRead]:
        body = await self._call("GET", f"/communities/{seg(community_id)}/templates", params={"limit": limit})
        return TemplateList.model_validate(body).items

    async def get_template(self, community_id: str, template_id: str) -> TemplateRead:
        path = f"/communities/{seg(community_id)}/templates/{seg(template_id)}"
        return TemplateRead.model_validate(await self._call("GET", path))

    async def save_template(self, community_id: str, save: TemplateSave) -> TemplateRead:
        path = f"/communities/{seg(community_id)}/templates"
        return TemplateRead.model_validate(await self._call("POST", path, json=save.to_wire()))

    async def import_templates(self, community_id: str, request: TemplateImport) -> ImportReport:
        path = f"/communities/{seg(community_id)}/templates/import"
        return ImportReport.model_validate(await self._call("POST", path, json=request.to_wire()))

    async def export_templates(self, community_id: str, fmt: ExportFormat) -> TemplateExport:
        path = f"/communities/{seg(community_id)}/templates/export"
        return TemplateExport.model_validate(await self._call("GET", path, params={"format": fmt.value}))

    async def create_from_template(self, community_id: str, request: ContentFromTemplate) -> ContentRead:
        path = f"/communities/{seg(community_id)}/content-from-template"
        return ContentRead.model_validate(await self._call("POST", path, json=request.to_wire()))

    async def template_performance(self, community_id: str, template_id: str) -> TemplatePerformance:
        path = f"/communities/{seg(community_id)}/templates/{seg(template_id)}/performance"
        return TemplatePerformance.model_validate(await self._call("GET", path))

    async def assist_draft(self, community_id: str, draft: DraftText) -> DraftAssist:
        path = f"/communities/{seg(community_id)}/drafts/assist"
        return DraftAssist.model_validate(await self._call("POST", path, json=draft.to_wire()))
