"""`python -m distribution_service.ranking.stackexchange PATH`: the ranker trained and evaluated on a dump."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distribution_service.ranking import stackexchange
from infra.settings import Settings

DUMP = Settings().stackexchange_data_dir / "french.meta"


@pytest.mark.skipif(not DUMP.is_dir(), reason=f"no Stack Exchange dump at {DUMP}")
def test_offline_command_prints_the_report_of_every_ranker_on_the_same_groups(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert stackexchange.main([str(DUMP)]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["community"] == "french.meta"
    assert report["groups"]["test"] == 126
    assert set(report["metrics"]) == {"lightgbm", "popularity", "recency", "age_idle", "heuristic", "implicit_als"}
    # The leak the protocol closes: no positive from outside the pool, so the dead-first rule gains nothing.
    assert report["protocol"]["positives_outside_pool"] == 0
    assert report["metrics"]["age_idle"]["ndcg@10"] <= report["metrics"]["recency"]["ndcg@10"]
    for ranker, ci in report["ci95"].items():
        low, high = ci["ndcg@10"]
        assert low <= report["metrics"][ranker]["ndcg@10"] <= high


def test_a_folder_that_is_no_dump_is_refused_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        stackexchange.main([str(tmp_path)])
    assert exit_.value.code == 2
    assert "is not a Stack Exchange dump: no Posts.xml, Comments.xml, Votes.xml" in capsys.readouterr().err
