"""Pure rules of the Stack Exchange importer: reading rows, dates, tags, handles, experts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from composition.importers.report import invalid
from composition.importers.stackexchange.mapping import ExpertRule, answer_title, display_name_for, handle_for
from composition.importers.stackexchange.reader import FileState, parse_date, parse_id, parse_tags, read_rows
from content_service.domain.html import sanitize_html
from content_service.schemas import ContentImport

BOM = "\ufeff"


def test_read_rows_accepts_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "Users.xml"
    path.write_bytes(
        (BOM + '<?xml version="1.0" encoding="utf-8"?>\r\n<users>\r\n  <row Id="1" />\r\n</users>').encode()
    )
    state = FileState("Users.xml")
    assert list(read_rows(path, state)) == [{"Id": "1"}]
    assert state.error is None


def test_read_rows_keeps_rows_before_a_truncation_and_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "Votes.xml"
    path.write_text('<votes>\n<row Id="1" />\n<row Id="2" />\n<row Id="3" Post')
    state = FileState("Votes.xml")
    rows = list(read_rows(path, state))
    assert rows == [{"Id": "1"}, {"Id": "2"}]
    assert state.error is not None
    assert state.error.startswith("malformed XML after 2 rows")


def test_parse_date_reads_dump_dates_as_utc() -> None:
    assert parse_date("2010-08-25T19:50:51.187") == datetime(2010, 8, 25, 19, 50, 51, 187000, tzinfo=UTC)


def test_parse_date_is_none_for_garbage() -> None:
    assert parse_date("yesterday") is None


def test_parse_id_is_none_for_a_non_number() -> None:
    assert (parse_id("12"), parse_id("x1"), parse_id(None)) == (12, None, None)


def test_parse_tags_reads_both_dump_formats() -> None:
    assert parse_tags("<bug><feature-request>") == ["bug", "feature-request"]
    assert parse_tags("|bug|feature-request|") == ["bug", "feature-request"]


def test_handle_folds_the_display_name_and_appends_the_source_id() -> None:
    assert handle_for("Zoë O'Brien", 42) == "zoe-o-brien-42"


def test_handle_of_a_name_without_ascii_letters_is_user_and_id() -> None:
    assert handle_for("日本語", 7) == "user-7"


def test_handle_fits_forty_characters() -> None:
    assert handle_for("a" * 100, 123456) == "a" * 33 + "-123456"


def test_empty_display_name_becomes_user_and_id() -> None:
    assert display_name_for("  ", 9) == "user9"


def test_answer_title_names_the_question() -> None:
    assert answer_title("Why?") == "Answer: Why?"


def test_expert_rule_takes_the_top_members_with_enough_accepted_answers() -> None:
    counts = Counter({1: 9, 2: 5, 3: 5, 4: 4, 5: 2})
    # top 2 with ties at the cut-off: 1 (9), then 2 and 3 (5 each); 5 lacks the minimum anyway.
    assert ExpertRule(top=2, min_accepted=3).experts(counts) == {1, 2, 3}


def test_expert_rule_without_eligible_members_is_empty() -> None:
    assert ExpertRule(top=50, min_accepted=3).experts(Counter({1: 2})) == set()


def test_sanitize_html_keeps_formatting_and_drops_scripts_and_handlers() -> None:
    body = '<p onclick="steal()">Hi <strong>there</strong><script>alert(1)</script></p><a href="javascript:x()">j</a>'
    assert sanitize_html(body) == '<p>Hi <strong>there</strong></p><a rel="noopener noreferrer">j</a>'


def test_invalid_names_the_field_and_the_rule_without_the_value() -> None:
    with pytest.raises(ValidationError) as caught:
        ContentImport.model_validate(
            {"sourceId": "post:1", "kind": "UGC", "title": "t", "body": "", "createdAt": "2020-01-01", "tags": ["a,b"]}
        )
    assert invalid(caught.value) == "invalid tags: String should match pattern '^[^\\s,]+$'"
