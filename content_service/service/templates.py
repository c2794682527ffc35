"""Template rules: versions, validation with field-level errors, bulk import/export, performance, assistance."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import anyio
import yaml
from bson import ObjectId
from pydantic import ValidationError
from pymongo import InsertOne, UpdateOne

from content_service.domain.access import searchable_body
from content_service.domain.assist import TfidfIndex
from content_service.domain.template_fields import FieldSpec, render, validate_values
from content_service.schemas.content import ContentCreate, ContentRead
from content_service.schemas.templates import (
    ContentFromTemplate,
    DraftAssist,
    DraftText,
    ExportFormat,
    ImportReport,
    NearDuplicate,
    TagSuggestion,
    TemplateExport,
    TemplateImport,
    TemplatePerformance,
    TemplateRead,
    TemplateSave,
    TemplateSpec,
)
from content_service.service.pieces import PiecesService
from content_service.store import ContentStore, Session
from infra.errors import BadInputError, NotFoundError
from infra.schemas import object_id

Doc = dict[str, Any]
# libyaml's C loader when the wheel has it: the pure-Python one takes ~10 s for a 2,000-template document.
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
MAX_IMPORT = 10_000
CORPUS_LIMIT = 5000
# draftSuggestions: each body is cut to its first BODY_CHARS characters before fitting, and a community's fitted
# index is reused for CORPUS_CACHE_SECONDS (a piece published meanwhile is seen after that).
BODY_CHARS = 2000
CORPUS_CACHE_SECONDS = 60.0


def template_read(doc: Doc, usage: int = 0) -> TemplateRead:
    spec = TemplateSpec.model_validate(doc["spec"])
    return TemplateRead(
        id=str(doc["_id"]),
        key=doc["key"],
        platform=doc.get("community_id") is None,
        version=doc["version"],
        name=spec.name,
        description=spec.description,
        fields=spec.fields,
        default_kind=spec.default_kind,
        default_tags=spec.default_tags,
        title_pattern=spec.title_pattern,
        body_pattern=spec.body_pattern,
        usage_count=usage,
        updated_at=doc["updated_at"],
    )


def template_not_found(template_id: object) -> NotFoundError:
    return NotFoundError(f"no template with id {template_id} in this community", field="templateId")


class TemplatesService:
    def __init__(self, store: ContentStore, pieces: PiecesService, *, near_duplicate_similarity: float = 0.8) -> None:
        self.store = store
        self.library = store.templates
        self.pieces = pieces
        self.near_duplicate_similarity = near_duplicate_similarity
        self._indexes: dict[ObjectId, tuple[float, list[Doc], TfidfIndex]] = {}

    async def list_(self, community_id: ObjectId, *, limit: int) -> list[TemplateRead]:
        docs = await self.library.list_for_community(community_id, limit)
        usage = await self.library.usage_counts(community_id, [d["_id"] for d in docs])
        return [template_read(d, usage.get(d["_id"], 0)) for d in docs]

    async def get(self, community_id: ObjectId, template_id: ObjectId) -> TemplateRead:
        doc = await self._template_or_raise(community_id, template_id)
        return template_read(doc, await self._usage(community_id, doc["_id"]))

    async def _usage(self, community_id: ObjectId, template_id: ObjectId) -> int:
        """How often this community used the template (a platform starter's use is counted per community)."""
        return (await self.library.usage_counts(community_id, [template_id])).get(template_id, 0)

    async def save(self, community_id: ObjectId, save: TemplateSave) -> TemplateRead:
        """Operators only (checked by the gateway): create the template, or add a version when its key exists and
        the spec changed."""
        await self._write(community_id, [save.template])
        doc = (await self.library.get_by_keys(community_id, [save.template.key]))[save.template.key]
        return template_read(doc, await self._usage(community_id, doc["_id"]))

    async def import_(self, community_id: ObjectId, request: TemplateImport) -> ImportReport:
        """Operators only (checked by the gateway): the whole library document, checked before anything is
        written."""
        specs = parse_library(request.document, request.format)
        return await self._write(community_id, specs)

    async def _write(self, community_id: ObjectId, specs: list[TemplateSpec]) -> ImportReport:
        keys = [s.key for s in specs]
        if len(keys) != len(set(keys)):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise BadInputError(f"template key {dup} appears twice", field="templates")
        existing = await self.library.get_by_keys(community_id, keys)
        now = datetime.now(UTC)
        ops: list[UpdateOne | InsertOne] = []
        versions: list[Doc] = []
        created = versioned = unchanged = 0
        for spec in specs:
            body = spec.model_dump(mode="json")
            current = existing.get(spec.key)
            if current is None:
                oid = ObjectId()
                ops.append(
                    InsertOne(
                        {
                            "_id": oid,
                            "community_id": community_id,
                            "key": spec.key,
                            "version": 1,
                            "spec": body,
                            "updated_at": now,
                        }
                    )
                )
                versions.append(
                    {"community_id": community_id, "template_id": oid, "version": 1, "spec": body, "created_at": now}
                )
                created += 1
            elif current["spec"] == body:
                unchanged += 1
            else:
                version = current["version"] + 1
                ops.append(
                    UpdateOne(
                        {"_id": current["_id"], "version": current["version"]},
                        {"$set": {"version": version, "spec": body, "updated_at": now}},
                    )
                )
                versions.append(
                    {
                        "community_id": community_id,
                        "template_id": current["_id"],
                        "version": version,
                        "spec": body,
                        "created_at": now,
                    }
                )
                versioned += 1

        async def work(s: Session) -> None:
            await self.library.write_library(ops, versions, session=s)

        if ops:
            await self.store.transaction(work)
        return ImportReport(created=created, versioned=versioned, unchanged=unchanged, total=len(specs))

    async def export(self, community_id: ObjectId, fmt: ExportFormat) -> TemplateExport:
        docs = await self.library.list_community_only(community_id)
        library = {"templates": [TemplateSpec.model_validate(d["spec"]).to_wire() for d in docs]}
        if fmt == ExportFormat.JSON:
            text = json.dumps(library, ensure_ascii=False, indent=1)
        else:
            text = yaml.dump(library, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False)
        return TemplateExport(format=fmt, count=len(docs), document=text)

    async def create_content(self, community_id: ObjectId, request: ContentFromTemplate) -> ContentRead:
        doc = await self._template_or_raise(community_id, object_id(request.template_id, field="templateId"))
        spec_doc = doc["spec"]
        if request.version is not None and request.version != doc["version"]:
            version = await self.library.get_version(community_id, doc["_id"], request.version)
            if version is None:
                raise BadInputError(f"template has no version {request.version}", field="version")
            spec_doc = version["spec"]
        spec = TemplateSpec.model_validate(spec_doc)
        values = {v.name: v.value for v in request.values}
        fields = [FieldSpec(f.name, f.type, f.required, f.max_length, tuple(f.choices)) for f in spec.fields]
        errors = validate_values(fields, values)
        if errors:
            details = [{"field": e.field, "message": e.message} for e in errors]
            message = "; ".join(f"{e.field} {e.message}" for e in errors)
            raise BadInputError(message, field=errors[0].field, extra={"fields": details})
        title = render(spec.title_pattern, values) or spec.name
        body = render(spec.body_pattern, values) or spec.name
        try:
            content_in = ContentCreate(
                author_id=request.author_id,
                title=title[:300],
                body=body,
                kind=request.kind or spec.default_kind,
                tags=request.tags if request.tags is not None else spec.default_tags,
                draft=request.draft,
            )
        except ValidationError as exc:
            raise BadInputError(
                f"the filled template is not valid content: {exc.errors()[0]['msg']}", field="values"
            ) from exc
        read = await self.pieces.publish(
            community_id,
            content_in,
            extra_fields={"template_id": doc["_id"], "template_version": request.version or doc["version"]},
        )
        await self.library.count_use(community_id, doc["_id"])
        return read

    async def performance(self, community_id: ObjectId, template_id: ObjectId) -> TemplatePerformance:
        doc = await self._template_or_raise(community_id, template_id)
        ids = await self.store.pieces.list_ids_by_template(community_id, doc["_id"])
        stats = await self.store.interaction.engagement(community_id, dict.fromkeys(ids))
        total = {k: sum(s[k] for s in stats.values()) for k in ("up", "down", "comments", "bullets", "shares")}
        engagement = total["up"] + total["comments"] + total["bullets"] + total["shares"]
        return TemplatePerformance(
            template_id=str(template_id),
            usage_count=await self._usage(community_id, doc["_id"]),
            pieces=len(ids),
            up_votes=total["up"],
            down_votes=total["down"],
            comments=total["comments"],
            bullet_comments=total["bullets"],
            shares=total["shares"],
            engagement_per_piece=round(engagement / len(ids), 4) if ids else 0.0,
        )

    async def assist(self, community_id: ObjectId, draft: DraftText) -> DraftAssist:
        corpus, index = await self._corpus_index(community_id)
        threshold = self.near_duplicate_similarity
        text = f"{draft.title}\n{draft.body[:BODY_CHARS]}"

        def compute() -> tuple[list[tuple[str, float]], list[Any]]:
            return index.suggest_tags(text, k=3), index.near_duplicates(text, threshold)

        tags, neighbours = await anyio.to_thread.run_sync(compute)
        return DraftAssist(
            tags=[TagSuggestion(tag=t, score=s) for t, s in tags],
            near_duplicates=[
                NearDuplicate(
                    content_id=str(corpus[n.index]["_id"]),
                    title=corpus[n.index]["title"],
                    similarity=round(n.similarity, 4),
                )
                for n in neighbours
            ],
            threshold=threshold,
            corpus_size=len(corpus),
        )

    async def _corpus_index(self, community_id: ObjectId) -> tuple[list[Doc], TfidfIndex]:
        """The community's fitted index, fitted off the event loop and reused for CORPUS_CACHE_SECONDS."""
        cached = self._indexes.get(community_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1], cached[2]
        corpus = await self.store.pieces.list_corpus(community_id, CORPUS_LIMIT)
        # A gated piece's body stays out of the index: similarity to a draft would be an oracle for the paid text.
        texts = [f"{d['title']}\n{searchable_body(d)[:BODY_CHARS]}" for d in corpus]
        tags = [d.get("tags", []) for d in corpus]
        index = await anyio.to_thread.run_sync(lambda: TfidfIndex(texts, tags))
        now = time.monotonic()
        self._indexes = {k: v for k, v in self._indexes.items() if v[0] > now}  # drop expired communities
        self._indexes[community_id] = (now + CORPUS_CACHE_SECONDS, corpus, index)
        return corpus, index

    async def _template_or_raise(self, community_id: ObjectId, template_id: ObjectId) -> Doc:
        doc = await self.library.get(community_id, template_id)
        if doc is None:
            raise template_not_found(template_id)
        return doc


def parse_library(document: str, fmt: ExportFormat) -> list[TemplateSpec]:
    """The whole document is checked before anything is written; every bad entry is named."""
    try:
        data = json.loads(document) if fmt == ExportFormat.JSON else yaml.load(document, Loader=YAML_LOADER)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise BadInputError(f"document is not valid {fmt.value}", field="document") from exc
    items = data.get("templates") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise BadInputError("document holds a list of templates (or {templates: [...]})", field="document")
    if len(items) > MAX_IMPORT:
        raise BadInputError(f"at most {MAX_IMPORT} templates per import", field="document")
    specs: list[TemplateSpec] = []
    errors: list[dict[str, str]] = []
    for i, item in enumerate(items):
        try:
            specs.append(TemplateSpec.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors()[:5]:
                path = ".".join(str(p) for p in err["loc"])
                errors.append({"field": f"templates.{i}.{path}".rstrip("."), "message": err["msg"]})
    if errors:
        raise BadInputError(
            f"{len(errors)} problem(s) in the document; first: {errors[0]['field']}: {errors[0]['message']}",
            field="document",
            extra={"fields": errors[:100]},
        )
    return specs
