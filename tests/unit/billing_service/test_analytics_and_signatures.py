from datetime import UTC, datetime

import pytest

from billing_service.domain.analytics import ltv, mrr_at, parse_period
from billing_service.payments.signatures import sign, verify
from infra.errors import BadInputError

JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)
MAR = datetime(2026, 3, 1, tzinfo=UTC)


class TestParsePeriod:
    def test_a_month_in_the_communitys_timezone(self) -> None:
        period = parse_period("2026-02", "Asia/Shanghai")
        assert (period.start.astimezone(UTC), period.end.astimezone(UTC), period.months) == (
            datetime(2026, 1, 31, 16, tzinfo=UTC),
            datetime(2026, 2, 28, 16, tzinfo=UTC),
            1,
        )

    def test_a_quarter_and_a_year(self) -> None:
        quarter, year = parse_period("2026-Q2", "UTC"), parse_period("2026", "UTC")
        assert (quarter.start.month, quarter.end.month, quarter.months, year.months) == (4, 7, 3, 12)

    def test_anything_else_is_bad_input(self) -> None:
        with pytest.raises(BadInputError, match="^period: use YYYY-MM, YYYY-Qn or YYYY$"):
            parse_period("2026-13", "UTC")


class TestMrrAt:
    def test_sums_the_segments_covering_the_moment_by_subscription(self) -> None:
        postings: list[dict[str, object]] = [
            {"meta": {"subscription_id": "a", "mrr": [{"cents": 2900, "from": JAN, "to": FEB}]}},
            {"meta": {"subscription_id": "a", "mrr": [{"cents": 3000, "from": JAN, "to": MAR}]}},
            {"meta": {"subscription_id": "b", "mrr": [{"cents": -500, "from": JAN, "to": FEB}]}},
        ]
        assert mrr_at(postings, datetime(2026, 1, 15, tzinfo=UTC)) == {"a": 5900, "b": -500}
        assert mrr_at(postings, datetime(2026, 2, 15, tzinfo=UTC)) == {"a": 3000}


class TestLtv:
    def test_is_arpu_times_margin_over_churn(self) -> None:
        assert ltv(2860, 0.6, 0.05) == 34_320

    def test_is_unknown_without_churn(self) -> None:
        assert ltv(2860, 0.6, 0.0) is None


class TestSignatures:
    def test_a_signed_body_verifies(self) -> None:
        header = sign(b'{"id":"evt_1"}', "secret", 1_000)
        verify(b'{"id":"evt_1"}', header, "secret", now=1_100, tolerance_seconds=300)

    def test_another_secret_does_not_verify(self) -> None:
        header = sign(b"{}", "secret", 1_000)
        with pytest.raises(BadInputError, match="^webhook signature does not match$"):
            verify(b"{}", header, "other", now=1_000, tolerance_seconds=300)

    def test_an_old_timestamp_is_a_replay(self) -> None:
        header = sign(b"{}", "secret", 1_000)
        with pytest.raises(BadInputError, match="^webhook timestamp is outside the tolerance$"):
            verify(b"{}", header, "secret", now=1_301, tolerance_seconds=300)

    def test_a_malformed_header_is_refused(self) -> None:
        with pytest.raises(BadInputError, match="^malformed webhook signature header$"):
            verify(b"{}", "v1=abc", "secret", now=0, tolerance_seconds=300)
