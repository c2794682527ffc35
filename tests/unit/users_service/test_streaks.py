"""Check-in streaks in the member's own timezone: midnight, DST changes and travel, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from users_service.domain.streaks import CheckInOutcome, Streak, check_in

SHANGHAI = "Asia/Shanghai"
NEW_YORK = "America/New_York"
LOS_ANGELES = "America/Los_Angeles"


def at(zone: str, *parts: int) -> datetime:
    year, month, day, hour, minute = parts
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def run(*check_ins: tuple[datetime, str]) -> tuple[Streak, list[CheckInOutcome]]:
    streak, outcomes = Streak(), []
    for moment, zone in check_ins:
        streak, outcome = check_in(streak, moment, zone)
        outcomes.append(outcome)
    return streak, outcomes


class TestMidnight:
    def test_2359_then_0001_local_are_two_days(self) -> None:
        streak, outcomes = run((at(SHANGHAI, 2026, 3, 1, 23, 59), SHANGHAI), (at(SHANGHAI, 2026, 3, 2, 0, 1), SHANGHAI))
        assert outcomes == [CheckInOutcome.FIRST, CheckInOutcome.CONTINUED]
        assert (streak.current, streak.best, streak.check_ins) == (2, 2, 2)

    def test_0001_then_2359_the_same_local_day_count_once(self) -> None:
        streak, outcomes = run((at(SHANGHAI, 2026, 3, 2, 0, 1), SHANGHAI), (at(SHANGHAI, 2026, 3, 2, 23, 59), SHANGHAI))
        assert outcomes == [CheckInOutcome.FIRST, CheckInOutcome.SAME_DAY]
        assert (streak.current, streak.check_ins) == (1, 1)

    def test_the_day_is_the_members_not_utcs(self) -> None:
        # 23:59 and 00:01 in Shanghai are 15:59 and 16:01 UTC: the same UTC day, two local days.
        first, second = at(SHANGHAI, 2026, 3, 1, 23, 59), at(SHANGHAI, 2026, 3, 2, 0, 1)
        assert first.date() == second.date()
        assert run((first, SHANGHAI), (second, SHANGHAI))[0].current == 2

    def test_a_missed_day_restarts_the_streak_and_keeps_the_best(self) -> None:
        streak, outcomes = run(
            (at(SHANGHAI, 2026, 3, 1, 9, 0), SHANGHAI),
            (at(SHANGHAI, 2026, 3, 2, 9, 0), SHANGHAI),
            (at(SHANGHAI, 2026, 3, 4, 0, 1), SHANGHAI),
        )
        assert outcomes[-1] == CheckInOutcome.RESTARTED
        assert (streak.current, streak.best) == (1, 2)


class TestDaylightSaving:
    @pytest.mark.parametrize(
        ("before", "after"),
        [
            # Spring forward in New York on 2026-03-08: that day has 23 hours.
            ((2026, 3, 7, 23, 59), (2026, 3, 8, 0, 1)),
            ((2026, 3, 8, 0, 30), (2026, 3, 9, 23, 30)),
            # Fall back on 2026-11-01: that day has 25 hours.
            ((2026, 10, 31, 23, 59), (2026, 11, 1, 0, 1)),
            ((2026, 11, 1, 0, 30), (2026, 11, 2, 23, 30)),
        ],
    )
    def test_consecutive_local_days_continue_across_a_dst_change(
        self, before: tuple[int, ...], after: tuple[int, ...]
    ) -> None:
        _, outcomes = run((at(NEW_YORK, *before), NEW_YORK), (at(NEW_YORK, *after), NEW_YORK))
        assert outcomes[-1] == CheckInOutcome.CONTINUED

    def test_the_25_hour_day_is_still_one_day(self) -> None:
        # 00:30 and 23:30 on the fall-back day are 24 hours apart, yet the same local day.
        first, last = at(NEW_YORK, 2026, 11, 1, 0, 30), at(NEW_YORK, 2026, 11, 1, 23, 30)
        assert last - first == timedelta(hours=24)
        assert run((first, NEW_YORK), (last, NEW_YORK))[1] == [CheckInOutcome.FIRST, CheckInOutcome.SAME_DAY]

    def test_the_23_hour_day_skipped_is_a_missed_day(self) -> None:
        # 23:30 on 7 March then 00:30 on 9 March: 24 hours apart across the 23-hour day, but a whole day missed.
        first, last = at(NEW_YORK, 2026, 3, 7, 23, 30), at(NEW_YORK, 2026, 3, 9, 0, 30)
        assert last - first == timedelta(hours=24)
        assert run((first, NEW_YORK), (last, NEW_YORK))[1][-1] == CheckInOutcome.RESTARTED


class TestTimezoneChange:
    def test_flying_west_continues_on_the_next_local_day(self) -> None:
        # Tue 01:00 in Shanghai (Mon 17:00 UTC), then Tue 09:00 in Los Angeles (Tue 16:00 UTC).
        streak, outcomes = run(
            (at(SHANGHAI, 2026, 6, 1, 9, 0), SHANGHAI),
            (at(SHANGHAI, 2026, 6, 2, 1, 0), SHANGHAI),
            (at(LOS_ANGELES, 2026, 6, 2, 9, 0), LOS_ANGELES),
        )
        assert outcomes == [CheckInOutcome.FIRST, CheckInOutcome.CONTINUED, CheckInOutcome.CONTINUED]
        assert (streak.current, streak.last_zone) == (3, LOS_ANGELES)

    def test_landing_where_it_is_still_yesterday_counts_nothing(self) -> None:
        # Tue 01:00 in Shanghai, then Mon 20:00 in Los Angeles (3 hours later): still that day in Los Angeles.
        streak, outcomes = run(
            (at(SHANGHAI, 2026, 6, 2, 1, 0), SHANGHAI), (at(LOS_ANGELES, 2026, 6, 1, 13, 0), LOS_ANGELES)
        )
        assert outcomes[-1] == CheckInOutcome.SAME_DAY
        assert (streak.current, streak.last_zone) == (1, SHANGHAI)

    def test_flying_east_over_the_date_line_keeps_the_streak(self) -> None:
        # Mon 20:00 in Honolulu, then Wed 08:00 in Tokyo 17 hours later: Tuesday never happened locally.
        streak, outcomes = run(
            (at("Pacific/Honolulu", 2026, 6, 1, 20, 0), "Pacific/Honolulu"),
            (at("Asia/Tokyo", 2026, 6, 3, 8, 0), "Asia/Tokyo"),
        )
        assert outcomes[-1] == CheckInOutcome.CONTINUED
        assert streak.current == 2

    def test_switching_zones_cannot_buy_a_second_day_within_hours(self) -> None:
        # Checked in at 22:00 in Shanghai; 90 minutes later claims to be in Tokyo, where it is already 00:30 the
        # next day, while it is still 23:30 the same day in Shanghai.
        _, outcomes = run(
            (at(SHANGHAI, 2026, 6, 1, 22, 0), SHANGHAI), (at("Asia/Tokyo", 2026, 6, 2, 0, 30), "Asia/Tokyo")
        )
        assert outcomes[-1] == CheckInOutcome.SAME_DAY

    def test_a_naive_time_is_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            check_in(Streak(), datetime(2026, 6, 1, 9, 0), SHANGHAI)
