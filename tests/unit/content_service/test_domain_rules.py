"""Pure rules of content: review, mix, flags, procedure, signing, template fields, scoring, tag suggestion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from content_service.domain.assist import TfidfIndex, precision_at_k
from content_service.domain.flags import Flag, decide_hide
from content_service.domain.kinds import ContentKind, ContentStatus
from content_service.domain.lifecycle import ReviewPolicy, initial_status, paragraph_count, review_reasons
from content_service.domain.mix import mix_report, parse_target
from content_service.domain.procedure import SEVEN_STEPS, first_response_minutes, is_overdue, plan_steps
from content_service.domain.scoring import month_bounds, pick_winners, piece_score, split_budget
from content_service.domain.signing import sign, verify
from content_service.domain.template_fields import FieldSpec, FieldType, render, validate_values

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
POLICY = ReviewPolicy({"PGC": False, "UGC": False, "COMMERCIAL": True}, "ACTIVE", ("spam",))


class TestReview:
    def test_commercial_is_reviewed(self) -> None:
        reasons = review_reasons(POLICY, kind=ContentKind.COMMERCIAL, author_tier="CORE", text="x")
        assert reasons == ["COMMERCIAL content is reviewed in this community"]

    def test_ugc_below_tier_is_reviewed_and_at_tier_is_not(self) -> None:
        below = review_reasons(POLICY, kind=ContentKind.UGC, author_tier="CASUAL", text="x")
        at = review_reasons(POLICY, kind=ContentKind.UGC, author_tier="ACTIVE", text="x")
        assert (below, at) == (["UGC from members below ACTIVE is reviewed"], [])

    def test_filter_matches_whole_words_only(self) -> None:
        hit = review_reasons(POLICY, kind=ContentKind.PGC, author_tier="EXPERT", text="Buy SPAM now")
        miss = review_reasons(POLICY, kind=ContentKind.PGC, author_tier="EXPERT", text="spammer")
        assert (hit, miss) == (["the text filter flagged: spam"], [])

    def test_initial_status(self) -> None:
        later = NOW + timedelta(hours=1)
        got = [
            initial_status(draft=True, needs_review=True, publish_at=None, now=NOW),
            initial_status(draft=False, needs_review=True, publish_at=later, now=NOW),
            initial_status(draft=False, needs_review=False, publish_at=later, now=NOW),
            initial_status(draft=False, needs_review=False, publish_at=None, now=NOW),
        ]
        assert got == [ContentStatus.DRAFT, ContentStatus.REVIEW, ContentStatus.SCHEDULED, ContentStatus.PUBLISHED]

    @pytest.mark.parametrize(("body", "n"), [("one", 1), ("a\n\nb", 2), ("a\n \n\nb\n\n\nc", 3), ("a\nb", 1)])
    def test_paragraph_count(self, body: str, n: int) -> None:
        assert paragraph_count(body) == n


class TestMix:
    def test_playbook_target_parses(self) -> None:
        assert parse_target("PGC=60,UGC=35,COMMERCIAL=5") == {"PGC": 60.0, "UGC": 35.0, "COMMERCIAL": 5.0}

    def test_target_not_adding_to_100_is_refused(self) -> None:
        with pytest.raises(ValueError, match="adds up to 100"):
            parse_target("PGC=60,UGC=30,COMMERCIAL=5")

    def test_on_target_mix_has_no_alert(self) -> None:
        report = mix_report(
            {"PGC": 12, "UGC": 7, "COMMERCIAL": 1},
            target={"PGC": 60, "UGC": 35, "COMMERCIAL": 5},
            margin_points=10,
            window_days=30,
            frequency_target=3.8,
        )
        assert (report.alert, report.pieces_per_week, report.frequency_alert) == (False, 4.67, False)

    def test_empty_window_alerts_only_on_frequency(self) -> None:
        report = mix_report(
            {}, target={"PGC": 60, "UGC": 35, "COMMERCIAL": 5}, margin_points=10, window_days=30, frequency_target=3.8
        )
        assert (report.alert, report.frequency_alert, report.total) == (False, True, 0)


class TestFlags:
    def test_weights_sum_to_threshold_and_each_contribution_is_kept(self) -> None:
        flags = [Flag("c1", "m1", "NEW"), Flag("c2", "m2", "KOC"), Flag("c3", "m1", "NEW")]
        d = decide_hide(flags, weights={"NEW": 1.0, "KOC": 4.0}, threshold=5.0)
        assert (d.hide, d.total, [c.complaint_id for c in d.contributions]) == (True, 5.0, ["c1", "c2"])

    def test_below_threshold_does_not_hide(self) -> None:
        assert decide_hide([Flag("c1", "m1", "NEW")], weights={"NEW": 1.0}, threshold=1.5).hide is False


class TestProcedure:
    def test_seven_steps_due_from_the_trigger(self) -> None:
        steps = plan_steps(NOW, SEVEN_STEPS)
        assert [(s.name, s.due_at - NOW) for s in steps][:2] == [
            ("FACTS_CONFIRMED", timedelta(minutes=30)),
            ("OFFICIAL_STATEMENT", timedelta(hours=2)),
        ]
        assert steps[-1].due_at - NOW == timedelta(days=30)

    @pytest.mark.parametrize(
        ("done", "now", "overdue"),
        [
            (None, NOW - timedelta(minutes=1), False),
            (None, NOW + timedelta(seconds=1), True),
            (NOW, NOW + timedelta(days=1), False),
            (NOW + timedelta(minutes=1), NOW, True),
        ],
    )
    def test_overdue(self, done: datetime | None, now: datetime, overdue: bool) -> None:
        assert is_overdue(NOW, done, now) is overdue

    def test_first_response_is_the_earliest_done_step(self) -> None:
        done = [None, NOW + timedelta(minutes=28), NOW + timedelta(hours=3)]
        assert first_response_minutes(NOW, done) == 28.0


class TestSigning:
    def test_signature_verifies_within_five_minutes_only(self) -> None:
        sig = sign("s3cret", 1000, b"{}")
        assert (verify("s3cret", 1000, b"{}", sig, now=1300), verify("s3cret", 1000, b"{}", sig, now=1301)) == (
            True,
            False,
        )

    def test_tampered_body_fails(self) -> None:
        assert verify("s3cret", 1000, b"{}x", sign("s3cret", 1000, b"{}"), now=1000) is False


class TestTemplateFields:
    SPECS = [
        FieldSpec("title", FieldType.TEXT, True, 5),
        FieldSpec("n", FieldType.NUMBER),
        FieldSpec("c", FieldType.CHOICE, choices=("A",)),
    ]

    def test_all_errors_are_listed_in_field_order(self) -> None:
        errors = validate_values(self.SPECS, {"title": "toolong", "n": "x", "c": "B", "zz": "1"})
        assert [e.field for e in errors] == ["title", "n", "c", "zz"]

    def test_valid_values_have_no_error(self) -> None:
        assert validate_values(self.SPECS, {"title": "ok", "n": "-1.5", "c": "A"}) == []

    def test_render_fills_known_and_blanks_unknown(self) -> None:
        assert render("{a} and {b}", {"a": "x"}) == "x and"


class TestScoring:
    def test_piece_score_is_engagement_times_smoothed_approval(self) -> None:
        assert piece_score({"up": 3, "down": 1, "comments": 1, "bullets": 0, "shares": 1}) == round(8 * 4 / 6, 6)

    def test_ties_go_to_the_smaller_member_id(self) -> None:
        stats = {"up": 1}
        winners = pick_winners([("m2", "c2", stats), ("m1", "c1", stats), ("m3", "c3", {})], 5)
        assert [(w.member_id, w.rank) for w in winners] == [("m1", 1), ("m2", 2)]

    def test_budget_split_in_minor_units_adds_up(self) -> None:
        assert split_budget(3_000_000, 7) == [428572] * 3 + [428571] * 4

    def test_month_bounds(self) -> None:
        assert month_bounds("2026-12") == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


class TestAssist:
    def test_suggests_tags_of_nearest_items(self) -> None:
        index = TfidfIndex(
            ["chain lube wax", "tyre pressure gravel", "chain wear check"], [["chain"], ["tyres"], ["chain", "wear"]]
        )
        assert [t for t, _ in index.suggest_tags("how to wax a chain")] == ["chain", "wear"]

    def test_precision_at_3(self) -> None:
        assert precision_at_k(["a", "b", "c"], ["a", "c", "z"]) == pytest.approx(2 / 3)
