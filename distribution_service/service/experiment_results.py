"""The results database: finishing an experiment records its hypothesis, arms, sample, effect with its
always-valid interval, and the decision, once; results are listed and exported as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from bson import ObjectId

from distribution_service.domain.experiment_enums import ExperimentStatus, ExportFormat
from distribution_service.schemas.experiments import (
    ExperimentFinish,
    ExperimentResult,
    ExperimentResults,
    ResultsExport,
)
from distribution_service.service.experiment_analysis import ExperimentAnalysisService
from distribution_service.service.experiment_docs import ExperimentNotFound
from distribution_service.store import DistributionStore, Doc
from infra.errors import ConflictError

FINISHABLE = (ExperimentStatus.RUNNING.value, ExperimentStatus.STOPPED.value, ExperimentStatus.ROLLED_BACK.value)
CSV_COLUMNS = (
    "experiment_id",
    "name",
    "hypothesis",
    "arms",
    "metric",
    "sample",
    "effect",
    "relative_effect",
    "interval_low",
    "interval_high",
    "decision",
    "srm_flagged",
    "started_at",
    "finished_at",
    "notes",
)


def result_read(doc: Doc) -> ExperimentResult:
    return ExperimentResult.model_validate({**doc, "id": str(doc["_id"]), "experiment_id": str(doc["experiment_id"])})


class ExperimentResultsService:
    def __init__(self, store: DistributionStore, analysis: ExperimentAnalysisService) -> None:
        self.store = store
        self.analysis = analysis

    async def finish(self, cid: ObjectId, experiment_id: ObjectId, finish: ExperimentFinish) -> ExperimentResult:
        """Read the experiment out unblinded, record the result and end the experiment (its layer range is
        free again). Finishing twice answers the recorded result."""
        doc = await self.store.experiments.get_experiment(cid, experiment_id)
        if doc is None:
            raise ExperimentNotFound()
        recorded = await self.store.experiments.get_result(cid, experiment_id)
        if recorded is not None:
            return result_read(recorded)
        if doc["status"] not in FINISHABLE:
            raise ConflictError(f"the experiment is {doc['status']}: start it before finishing it", field="id")
        analysis = await self.analysis.analyse(cid, experiment_id)
        # The decision is taken unblinded: the analysis is read again with the real names.
        arms_by_label = dict(zip([a.label for a in analysis.arms], [a["name"] for a in doc["arms"]], strict=True))
        main = analysis.comparisons[0] if analysis.comparisons else None
        now = datetime.now(UTC)
        result: Doc = {
            "_id": ObjectId(),
            "community_id": cid,
            "experiment_id": experiment_id,
            "name": doc["name"],
            "hypothesis": doc["hypothesis"],
            "arms": doc["arms"],
            "metric": doc["primary_metric"],
            "sample": analysis.sample,
            "samples": {arms_by_label[a.label]: a.members for a in analysis.arms},
            "effect": main.cuped_diff if main else 0.0,
            "relative_effect": _relative(main.cuped_diff, main.diff, main.relative) if main else None,
            "interval_low": main.cuped_seq_low if main else None,
            "interval_high": main.cuped_seq_high if main else None,
            "decision": finish.decision.value,
            "notes": finish.notes,
            "srm_flagged": analysis.srm.flagged,
            "started_at": doc.get("started_at"),
            "finished_at": now,
        }
        await self.store.experiments.insert_result(result)
        await self.store.experiments.update_experiment(
            cid, experiment_id, {"status": ExperimentStatus.FINISHED.value, "stopped_at": now}, from_status=FINISHABLE
        )
        stored = await self.store.experiments.get_result(cid, experiment_id)
        assert stored is not None
        return result_read(stored)

    async def list(self, cid: ObjectId) -> ExperimentResults:
        return ExperimentResults(items=[result_read(d) for d in await self.store.experiments.list_results(cid)])

    async def export(self, cid: ObjectId, fmt: ExportFormat) -> ResultsExport:
        results = (await self.list(cid)).items
        if fmt == ExportFormat.JSON:
            body = json.dumps([r.to_wire() for r in results], ensure_ascii=False, indent=1)
            return ResultsExport(format=fmt, content_type="application/json", body=body)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for r in results:
            row = r.model_dump()
            row["arms"] = ";".join(f"{a.name}={a.weight:g}" for a in r.arms)
            writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
        return ResultsExport(format=fmt, content_type="text/csv; charset=utf-8", body=out.getvalue())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _relative(effect: float, diff: float, relative: float | None) -> float | None:
    """`effect` over control's mean (which is diff / relative)."""
    if relative is None or diff == 0:
        return relative
    return effect * relative / diff
