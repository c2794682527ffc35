"""Judgment lists made outside the product, ranked and evaluated through the command line, on an imported dump
named by its own (Stack Exchange) ids: docs/examples/judgments.jsonl, the example docs/ranking.md shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient

from composition.importers.stackexchange.mapping import ExpertRule
from composition.importers.stackexchange.pipeline import ImportOptions, import_dump
from composition.topology import Topology
from distribution_service.ranking.cli import cli_settings, parser, run
from distribution_service.ranking.features import FEATURE_INDEX
from distribution_service.ranking.judgments import Judged, Ranker
from distribution_service.ranking.loader import load_history, load_training_data
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.ranking.training import TrainingData, train_and_evaluate
from distribution_service.store import DistributionStore
from infra.settings import Settings
from tests.factories import Api, register
from tests.integration.ingest import derived
from tests.snapshots import Snapshot, restore, take
from tests.unit.distribution_service.synthetic import DAY, START, community

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "judgments.jsonl"
SLUG = "judged"
DAY0 = datetime(2021, 6, 1, tzinfo=UTC)
HEAD = '<?xml version="1.0" encoding="utf-8"?>'


def _at(days: float) -> str:
    return (DAY0 + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000")


def write_dump(folder: Path) -> None:
    """Eight users; questions 100-134, one a day at 09:00; users 5-8 comment on recent questions every day."""
    folder.mkdir()
    users = [f'<row Id="{u}" Reputation="10" CreationDate="{_at(-10)}" DisplayName="U{u}" />' for u in range(1, 9)]
    posts = [
        f'<row Id="{100 + d}" PostTypeId="1" CreationDate="{_at(d + 0.375)}" Body="b" OwnerUserId="{d % 4 + 1}"'
        f' Title="Q{d}" Tags="|t{d % 3}|" />'
        for d in range(35)
    ]
    comments = [
        f'<row Id="{k}" PostId="{100 + d - (u % 3)}" Text="c" CreationDate="{_at(d + 0.5 + u / 100)}" UserId="{u}" />'
        for k, (d, u) in enumerate(((d, u) for d in range(3, 35) for u in range(5, 9)), start=1)
    ]
    files = {
        "Users.xml": ("users", users),
        "Posts.xml": ("posts", posts),
        "Comments.xml": ("comments", comments),
        "Votes.xml": ("votes", []),
    }
    for name, (root, rows) in files.items():
        (folder / name).write_text("\ufeff" + HEAD + f"\n<{root}>\n" + "\n".join(rows) + f"\n</{root}>")


async def registered_model(settings: Settings, community_id: str) -> str:
    """A model trained on the synthetic community (the code's FEATURES), registered in this community."""
    catalog, log = community()
    result = train_and_evaluate(TrainingData("synthetic", catalog, log, since=START, until=START + 61 * DAY))
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
    try:
        registry = ModelRegistry(DistributionStore(mongo[settings.database_name("distribution")]))
        await registry.register(
            ObjectId(community_id),
            version=result.model_version,
            model_text=result.model_text,
            report=result.report,
            params=result.params,
        )
    finally:
        await mongo.close()
    return result.model_version


# The first test in a process imports the dump and trains; later ones get a copy of its data (the model is stored
# in the distribution database), each in its own databases.
_built: dict[str, tuple[str, Snapshot]] = {}


@pytest.fixture
async def imported(api: Api, tmp_path: Path) -> str:
    if "imported" in _built:
        version, snapshot = _built["imported"]
        restore(api.settings, snapshot)
        return version
    version = await import_and_register(api, tmp_path)
    await derived(api)
    _built["imported"] = (version, take(api.settings))
    return version


async def import_and_register(api: Api, tmp_path: Path) -> str:
    write_dump(tmp_path / "dump")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    options = ImportOptions(experts=ExpertRule(top=5, min_accepted=1))
    await import_dump(services, tmp_path / "dump", SLUG, options, progress=lambda line: None)
    slug_community = await services.users.get_community_by_slug(SLUG)
    return await registered_model(api.settings, slug_community.id)


async def cli(api: Api, *argv: str) -> dict[str, Any]:
    result: dict[str, Any] = await run(parser().parse_args(list(argv)), api.settings)
    return result


async def test_rank_writes_one_line_per_group_named_by_source_ids(api: Api, imported: str, tmp_path: Path) -> None:
    out = tmp_path / "ranked.jsonl"
    args = parser().parse_args(
        ["rank", "--community", SLUG, "--model", imported, "--input", str(EXAMPLE), "--output", str(out)]
        + ["--ids", "source"]
    )
    args.lines = EXAMPLE.read_text().splitlines()
    # when
    summary = await run(args, api.settings)
    # then
    assert (summary["groups"], summary["ranked"], summary["errors"]) == (3, 2, 1)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    inputs = [json.loads(line) for line in EXAMPLE.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["g1", "g2", "g3"]
    for row, given in zip(rows[:2], inputs[:2], strict=True):
        assert sorted(row["ranking"]) == sorted(given["candidates"])
    assert rows[2] == {"id": "g3", "error": "unknown candidates (source ids): 999"}


async def test_evaluate_scores_the_model_and_every_baseline_on_the_same_groups(api: Api, imported: str) -> None:
    args = parser().parse_args(
        ["evaluate", "--community", SLUG, "--model", imported, "--input", str(EXAMPLE), "--ids", "source"]
    )
    args.lines = EXAMPLE.read_text().splitlines()
    # when
    summary = await run(args, api.settings)
    # then
    assert (summary["ranked"], summary["errors"], summary["active"]) == (2, 1, None)
    assert list(summary["metrics"]) == ["model", "popularity", "recency", "age_idle", "heuristic", "implicit_als"]
    for row in summary["metrics"].values():
        for key in ("ndcg@5", "ndcg@10", "map@10"):
            low, high = row[f"{key}_ci95"]
            assert 0.0 <= low <= row[key] <= high <= 1.0
    assert summary["paired"]["over"] in ("recency", "popularity")
    # The heuristic baseline is the fallback the deployment serves, and says so.
    assert summary["baselines"] == {"heuristic": "heuristic-3"}


async def test_evaluate_judges_against_the_fallback_at_the_deployments_weights(api: Api, imported: str) -> None:
    args = parser().parse_args(
        ["evaluate", "--community", SLUG, "--model", imported, "--input", str(EXAMPLE), "--ids", "source"]
    )
    args.lines = EXAMPLE.read_text().splitlines()
    hand_set = api.settings.model_copy(update={"ranking_heuristic_engagement": 1.0})
    # when
    summary = await run(args, hand_set)
    # then
    assert summary["baselines"] == {"heuristic": "heuristic-3(engagement=1.0)"}
    assert set(summary["metrics"]["heuristic"]) >= {"ndcg@10", "ndcg@10_ci95"}


async def test_evaluate_with_the_active_model_compares_it_too(api: Api, imported: str) -> None:
    await cli(api, "promote", imported, "--community", SLUG, "--force", "--reason", "trained on the synthetic world")
    args = parser().parse_args(
        ["evaluate", "--community", SLUG, "--model", "active", "--input", str(EXAMPLE), "--ids", "source"]
    )
    args.lines = EXAMPLE.read_text().splitlines()
    summary = await run(args, api.settings)
    assert summary["active"] == imported
    assert summary["metrics"]["active"] == summary["metrics"]["model"]


async def test_features_of_a_line_read_only_what_was_known_before_its_moment(api: Api, imported: str) -> None:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    cid = (await services.users.get_community_by_slug(SLUG)).id
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(api.settings.mongodb_uri)
    try:
        store = DistributionStore(mongo[api.settings.database_name("distribution")])
        catalog, log = await load_history(
            store, services.content, community_id=cid, until=datetime.now(UTC), item_ids=[]
        )
    finally:
        await mongo.close()
    ranker = Ranker(catalog, log)
    checked = 0
    item = int(log.items[log.grades > 0][-1])
    content_id = catalog.content_ids[item]
    for at in sorted(set(log.times[log.items == item].tolist())):
        group = ranker.group(Judged("x", "nobody", at, [content_id]))
        # Brute force: the engagement weight of the item's events known strictly before `at`.
        known = (log.items == item) & (log.known < at) & (log.grades > 0)
        expected = float(log.weights[known].sum())
        assert group.features[0, FEATURE_INDEX["content_popularity"]] == pytest.approx(np.log1p(expected), rel=1e-5)
        checked += 1
    assert checked >= 2


def test_command_line_runs_start_no_scheduler() -> None:
    settings = cli_settings(Settings(slot_scheduler_enabled=True, billing_scheduler_interval_seconds=60.0))
    assert settings.slot_scheduler_enabled is False
    assert settings.billing_scheduler_interval_seconds == 0.0
    assert settings.outbox_relay_enabled is False


FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 8) { decisionId items { content { id } } } }"
RECORD = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok } }"


async def test_imported_history_and_a_live_decision_both_feed_training(api: Api, imported: str) -> None:
    live = await register(api, SLUG, "live")
    feed = (await api.data(FEED, token=live.token))["feed"]
    shared = {"contentId": feed["items"][0]["content"]["id"], "type": "SHARE", "decisionId": feed["decisionId"]}
    await api.data(RECORD, {"i": {"events": [shared]}}, token=live.token)
    # when
    report = await cli(api, "train", "--community", SLUG, "--min-groups", "5")
    # then: one live decision does not erase the imported past (it used to leave "0 training groups")
    assert report["registered"] is True
    assert report["groups"]["train"] >= 20
    assert report["protocol"]["positives_outside_pool"] == 0


async def test_until_reads_nothing_at_or_after_the_cut(api: Api, imported: str) -> None:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    community_ = await services.users.get_community_by_slug(SLUG)
    cut = DAY0 + timedelta(days=20)
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(api.settings.mongodb_uri)
    try:
        store = DistributionStore(mongo[api.settings.database_name("distribution")])
        data = await load_training_data(
            store, services.content, community_id=community_.id, slug=SLUG, timezone="UTC", since=None, until=cut
        )
    finally:
        await mongo.close()
    assert len(data.log) > 0
    assert data.log.times.max() < cut.timestamp()
    assert (data.catalog.created < cut.timestamp()).all()
    assert data.until == cut.timestamp()
    report = await cli(api, "train", "--community", SLUG, "--until", cut.isoformat(), "--min-groups", "5")
    assert report["window"]["test"][1] == cut.isoformat()
