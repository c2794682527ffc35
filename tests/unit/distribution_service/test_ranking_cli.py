"""The ranking command line's contract: one JSON line last, refusals exit non-zero, judgment lines parsed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from distribution_service.ranking import cli
from distribution_service.ranking.judgments import Bad, Judged, parse_lines, tie_order
from distribution_service.ranking.training import TooFewGroupsError
from infra.settings import Settings


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "resolved_settings", lambda settings: settings)


def test_train_json_prints_one_json_object_as_the_last_line(
    offline: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def fake(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
        return {"model_version": "lgbm-x", "groups": {"train": 40, "test": 20}, "registered": True}

    monkeypatch.setattr(cli, "run", fake)
    assert cli.main(["train", "--community", "c", "--json"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {"model_version": "lgbm-x", "groups": {"train": 40, "test": 20}, "registered": True}


def test_too_few_groups_exits_non_zero_with_the_message(
    offline: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def refuse(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
        raise TooFewGroupsError("refused: 3 training and 1 test groups")

    monkeypatch.setattr(cli, "run", refuse)
    assert cli.main(["train", "--community", "c", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error: refused: 3 training and 1 test groups" in captured.err


def test_an_unreadable_input_exits_2(offline: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["rank", "--community", "c", "--model", "active", "--input", str(tmp_path / "none.jsonl")]
    assert cli.main([*argv, "--output", str(tmp_path / "out.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_bad_lines_become_errors_named_by_their_id_and_the_others_go_on() -> None:
    lines = [
        '{"id": "g1", "member": "42", "at": "2021-11-02T08:15:00.000Z", "candidates": ["1017", "988"]}',
        "not json",
        '{"id": "g3", "member": "42", "at": "yesterday", "candidates": ["1"]}',
        '{"id": "g4", "member": "42", "at": "2021-11-02T08:15:00Z", "candidates": []}',
        "",
        '{"id": "g5", "member": "7", "at": "2021-11-02T08:15:00", "candidates": ["a", "b"], "ratings": {"b": 2},'
        ' "extra": 1}',
    ]
    parsed = parse_lines(lines)
    assert [type(p) for p in parsed] == [Judged, Bad, Bad, Bad, Judged]
    assert parsed[1] == Bad("line 2", "not a JSON object")
    assert parsed[2] == Bad("g3", "`at` is not ISO 8601: 'yesterday'")
    assert parsed[4] == Judged("g5", "7", parsed[0].at, ["a", "b"], {"b": 2.0})  # type: ignore[union-attr]


def test_ties_are_broken_by_a_fixed_shuffle_of_the_group_not_by_the_files_order() -> None:
    assert np.array_equal(tie_order("g1", 10), tie_order("g1", 10))
    assert sorted(tie_order("g1", 10).tolist()) == list(range(10))
    assert not np.array_equal(tie_order("g1", 10), tie_order("g2", 10))
