from datetime import UTC, datetime, timedelta

from billing_service.domain.dunning import DunningPolicy, DunningStep, dunning_step
from billing_service.domain.periods import local_anchor, local_period_label, period_bounds
from billing_service.domain.plans import Interval

FAILED = datetime(2026, 5, 1, tzinfo=UTC)


class TestPeriodBounds:
    def test_local_midnight_renewals_stay_at_local_midnight(self) -> None:
        # 2026-01-31 00:00 in Shanghai is 2026-01-30 16:00 UTC: the next period starts at local midnight Feb 28
        anchor = local_anchor(datetime(2026, 1, 30, 16, tzinfo=UTC), "Asia/Shanghai")
        start, end = period_bounds(anchor, "Asia/Shanghai", Interval.MONTH, 1)
        assert (start, end) == (datetime(2026, 2, 27, 16, tzinfo=UTC), datetime(2026, 3, 30, 16, tzinfo=UTC))
        assert local_period_label(start, "Asia/Shanghai") == "2026-02-28"

    def test_periods_follow_daylight_saving_in_local_time(self) -> None:
        anchor = datetime(2026, 3, 1, 9, 0)
        first_start, first_end = period_bounds(anchor, "America/New_York", Interval.MONTH, 0)
        assert (first_start.hour, first_end.hour) == (14, 13)  # EST then EDT, both 09:00 local

    def test_the_first_period_of_an_annual_plan_is_a_year(self) -> None:
        start, end = period_bounds(datetime(2028, 2, 29), "UTC", Interval.YEAR, 0)
        assert end - start == timedelta(days=365)


class TestDunningPolicy:
    def test_default_retries_are_one_two_and_ten_days_after_the_failure(self) -> None:
        policy = DunningPolicy()
        retries = [policy.next_retry(FAILED, n) for n in range(4)]
        assert retries == [FAILED + timedelta(days=d) for d in (1, 2, 10)] + [None]

    def test_a_configured_schedule_is_used(self) -> None:
        assert DunningPolicy(retry_days=(3,)).next_retry(FAILED, 0) == FAILED + timedelta(days=3)

    def test_steps_by_day(self) -> None:
        policy = DunningPolicy()
        days = (9, 10, 14, 21)
        steps = [dunning_step(policy, FAILED, FAILED + timedelta(days=d)) for d in days]
        assert steps == [
            DunningStep(False, False, False),
            DunningStep(True, False, False),
            DunningStep(True, True, False),
            DunningStep(True, True, True),
        ]
