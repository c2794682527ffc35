"""A new ML engineer's first day, through the documented commands on a tiny imported dump: import, train,
evaluate a judgment file, promote through the gate, see the feed served by the model, roll back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from composition.importers.stackexchange.__main__ import parse_args as import_args
from composition.importers.stackexchange.__main__ import run as import_run
from distribution_service.ranking.cli import parser, run
from tests.factories import Api, register

SLUG = "walk"
DAY0 = datetime(2022, 3, 1, tzinfo=UTC)
DAYS = 30
HEAD = '<?xml version="1.0" encoding="utf-8"?>'
FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 5) { modelVersion items { content { id } } } }"


def _at(days: float) -> str:
    return (DAY0 + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000")


def _question(day: int, k: int) -> int:
    return 1000 + 3 * day + k


def write_dump(folder: Path) -> None:
    """Three questions a day (tags t0, t1, t2) by users 7 and 8; users 1-6 each comment every day on a question
    of their own tag (t{u % 3}) one to three days old: what they engage with is told by tag more than by age."""
    folder.mkdir()
    users = [f'<row Id="{u}" Reputation="10" CreationDate="{_at(-5)}" DisplayName="U{u}" />' for u in range(1, 9)]
    posts = [
        f'<row Id="{_question(d, k)}" PostTypeId="1" CreationDate="{_at(d + 0.3 + k / 10)}" Body="about t{k}"'
        f' OwnerUserId="{7 + k % 2}" Title="Question {d} on t{k}" Tags="|t{k}|" />'
        for d in range(DAYS)
        for k in range(3)
    ]
    comments = [
        f'<row Id="{n}" PostId="{_question(d - 1 - u % 3, u % 3)}" Text="c"'
        f' CreationDate="{_at(d + 0.6 + u / 50)}" UserId="{u}" />'
        for n, (d, u) in enumerate(((d, u) for d in range(4, DAYS) for u in range(1, 7)), start=1)
    ]
    files = {"Users.xml": ("users", users), "Posts.xml": ("posts", posts), "Comments.xml": ("comments", comments)}
    files["Votes.xml"] = ("votes", [])
    for name, (root, rows) in files.items():
        (folder / name).write_text("\ufeff" + HEAD + f"\n<{root}>\n" + "\n".join(rows) + f"\n</{root}>")


def write_judgments(path: Path) -> None:
    """Judged groups named by source ids: user u, on day d, among questions of the last days, rated the one of
    their tag that they did comment on."""
    lines = []
    for d in (DAYS - 2, DAYS - 1):
        for u in (1, 2, 3):
            seen = _question(d - 1 - u % 3, u % 3)
            candidates = [str(_question(d - back, k)) for back in range(1, 4) for k in range(3)]
            at = _at(d + 0.55)
            ratings = {str(seen): 2}
            lines.append(
                {"id": f"d{d}u{u}", "member": str(u), "at": at + "Z", "candidates": candidates, "ratings": ratings}
            )
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")


async def cli(api: Api, *argv: str) -> dict[str, Any]:
    args = parser().parse_args(list(argv))
    if args.command in ("rank", "evaluate"):
        args.lines = args.input.read_text().splitlines()
    result: dict[str, Any] = await run(args, api.settings)
    return result


async def test_import_train_evaluate_promote_serve_and_roll_back(api: Api, tmp_path: Path) -> None:
    # 1. import: `python -m composition.importers.stackexchange DUMP --community walk`
    write_dump(tmp_path / "dump")
    report = await import_run(api.settings, import_args([str(tmp_path / "dump"), "--community", SLUG]))
    summary = report.summary()
    assert (summary["community"], summary["rejected"]) == (SLUG, {"members": 0, "content": 0, "events": 0})
    assert summary["created"]["content"] == 3 * DAYS
    # 2. train: `python -m distribution_service.ranking train --community walk --min-groups 20`
    trained = await cli(api, "train", "--community", SLUG, "--min-groups", "20")
    version = trained["model_version"]
    assert trained["registered"] is True
    assert trained["protocol"]["positives_outside_pool"] == 0
    assert trained["baselines"] == {"heuristic": "heuristic-3"}  # judged against the fallback it would replace
    assert trained["groups"]["train"] >= 20
    assert trained["groups"]["test"] >= 20
    listed = await cli(api, "list", "--community", SLUG)
    assert [(v["version"], v["status"]) for v in listed["versions"]] == [(version, "registered")]
    # 3. evaluate a judgment file named by the dump's ids
    judgments = tmp_path / "judged.jsonl"
    write_judgments(judgments)
    evaluated = await cli(
        api, "evaluate", "--community", SLUG, "--model", version, "--input", str(judgments), "--ids", "source"
    )
    assert (evaluated["groups"], evaluated["ranked"], evaluated["errors"]) == (6, 6, 0)
    assert evaluated["active"] is None
    assert evaluated["metrics"]["model"]["ndcg@10"] > evaluated["metrics"]["recency"]["ndcg@10"]
    # 4. promote through the gate (no --force): enough groups, and no baseline ranks the test groups better
    promoted = await cli(api, "promote", version, "--community", SLUG, "--min-groups", "20", "--by", "new-engineer")
    assert promoted["active"] == version
    assert promoted["gate"]["train_groups"] == trained["groups"]["train"]
    assert promoted["gate"]["ndcg@10"] >= promoted["gate"]["best_baseline_ndcg@10"]
    # 5. a member's feed is ranked by the promoted model
    newcomer = await register(api, SLUG, "newcomer")
    feed = (await api.data(FEED, token=newcomer.token))["feed"]
    assert feed["modelVersion"] == version
    assert len(feed["items"]) == 5
    # 6. roll back: the heuristic serves again, and the history says who did what
    assert await cli(api, "rollback", "--community", SLUG, "--by", "new-engineer") == {"active": None, "shadow": None}
    assert (await api.data(FEED, token=newcomer.token))["feed"]["modelVersion"] == "heuristic-3"
    history = (await cli(api, "history", "--community", SLUG))["history"]
    assert [(h["action"], h["by"], h["from"], h["to"]) for h in history] == [
        ("rollback", "new-engineer", version, None),
        ("promote", "new-engineer", None, version),
    ]
