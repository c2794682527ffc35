from datetime import UTC, datetime

import pytest

from billing_service.domain.plans import Interval, add_months, period_end
from billing_service.service.idempotency import fingerprint as request_fingerprint


class TestAddMonths:
    def test_clamps_jan_31_to_feb_29_in_a_leap_year(self) -> None:
        assert add_months(datetime(2028, 1, 31), 1) == datetime(2028, 2, 29)

    def test_clamps_jan_31_to_feb_28_in_a_common_year(self) -> None:
        assert add_months(datetime(2027, 1, 31), 1) == datetime(2027, 2, 28)

    def test_clamps_to_thirty_day_month(self) -> None:
        assert add_months(datetime(2027, 3, 31), 1) == datetime(2027, 4, 30)

    def test_december_rolls_into_january_of_next_year(self) -> None:
        assert add_months(datetime(2027, 12, 15), 1) == datetime(2028, 1, 15)

    def test_twelve_months_is_same_day_next_year(self) -> None:
        assert add_months(datetime(2027, 5, 20), 12) == datetime(2028, 5, 20)

    def test_twelve_months_from_feb_29_clamps_to_feb_28(self) -> None:
        assert add_months(datetime(2028, 2, 29), 12) == datetime(2029, 2, 28)

    def test_negative_months_go_back_across_the_year(self) -> None:
        assert add_months(datetime(2028, 1, 15), -1) == datetime(2027, 12, 15)

    def test_keeps_time_of_day_and_timezone(self) -> None:
        start = datetime(2027, 1, 31, 9, 30, 15, tzinfo=UTC)

        assert add_months(start, 1) == datetime(2027, 2, 28, 9, 30, 15, tzinfo=UTC)


class TestPeriodEnd:
    @pytest.mark.parametrize(
        ("start", "interval", "expected"),
        [
            (datetime(2027, 1, 31, tzinfo=UTC), Interval.MONTH, datetime(2027, 2, 28, tzinfo=UTC)),
            (datetime(2027, 11, 30, tzinfo=UTC), Interval.QUARTER, datetime(2028, 2, 29, tzinfo=UTC)),
            (datetime(2028, 2, 29, tzinfo=UTC), Interval.YEAR, datetime(2029, 2, 28, tzinfo=UTC)),
        ],
        ids=["month", "quarter", "year"],
    )
    def test_adds_the_interval_in_months(self, start: datetime, interval: Interval, expected: datetime) -> None:
        assert period_end(start, interval) == expected


class TestRequestFingerprint:
    def test_same_payload_in_any_key_order_gives_same_fingerprint(self) -> None:
        first = request_fingerprint({"planId": "p1", "memberId": "m1"})
        second = request_fingerprint({"memberId": "m1", "planId": "p1"})

        assert first == second

    def test_is_stable_across_calls(self) -> None:
        assert request_fingerprint({"planId": "p1"}) == request_fingerprint({"planId": "p1"})

    def test_different_plan_ids_give_different_fingerprints(self) -> None:
        assert request_fingerprint({"planId": "p1"}) != request_fingerprint({"planId": "p2"})

    def test_is_the_sha256_of_the_sorted_json(self) -> None:
        # Stored with each subscription: a change of encoding would break idempotent retries in flight.
        assert request_fingerprint({"planId": "p1"}) == (
            "3102457be8e17dc9b507dbb3abde7a3fa584af92e27214b561aed39d8310e782"
        )
