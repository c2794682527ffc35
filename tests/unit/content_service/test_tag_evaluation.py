"""Tag suggestion measured on a real Stack Exchange dump (skipped when the shared data is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_service.evaluate_tags import DEFAULT_DIR, evaluate_site, read_questions

POSTS = DEFAULT_DIR / "bicycles.meta" / "Posts.xml"
pytestmark = pytest.mark.skipif(not POSTS.exists(), reason="shared Stack Exchange data is absent")


def test_questions_are_read_with_their_real_tags() -> None:
    questions = read_questions(Path(POSTS))
    assert (len(questions), questions[0][2]) == (453, ["discussion", "essential-meta-questions"])


def test_tfidf_beats_the_most_frequent_tags_baseline() -> None:
    result = evaluate_site(Path(POSTS))
    assert (result["precision_at_3"], result["baseline_precision_at_3"]) == (0.4249, 0.3114)
