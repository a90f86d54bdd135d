"""Calendar and cadence arithmetic on fixed dates: no database, no clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from service.induction.terms import (
    HalfTermDates,
    SchoolCalendar,
    check_timezone,
    check_year,
    default_cadence,
    default_year,
    easter_sunday,
)

LONDON = SchoolCalendar()


def test_easter_sunday_on_known_years():
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2028) == date(2028, 4, 16)


def test_default_english_year_2026_27():
    spans = [(t.starts_on, t.ends_on) for t in default_year(2026)]
    assert spans == [
        (date(2026, 9, 1), date(2026, 10, 23)),  # first weekday of September; October week 26th
        (date(2026, 11, 2), date(2026, 12, 18)),  # last Friday on or before 20 December
        (date(2027, 1, 4), date(2027, 2, 12)),  # February week starts on the third Monday
        (date(2027, 2, 22), date(2027, 3, 19)),  # Easter break from the Monday before Easter
        (date(2027, 4, 5), date(2027, 5, 28)),  # May week starts on the last Monday of May
        (date(2027, 6, 7), date(2027, 7, 22)),
    ]
    assert [t.name for t in default_year(2026)][::5] == ["Autumn 1", "Summer 2"]
    assert (
        default_year(2026)[3].formal_with_ect_lead
        and not default_year(2026)[2].formal_with_ect_lead
    )


def test_half_term_boundaries_and_holidays():
    assert LONDON.half_term_on(date(2026, 10, 23)).number == 1  # the last day of autumn 1
    assert LONDON.half_term_on(date(2026, 10, 24)) is None  # the holiday starts
    assert LONDON.half_term_on(date(2026, 11, 1)) is None
    assert LONDON.half_term_on(date(2026, 11, 2)).number == 2
    # In a holiday, "this half term" is the one that ended last.
    assert LONDON.current_half_term(date(2026, 10, 28)).number == 1
    assert LONDON.current_half_term(date(2026, 12, 25)).number == 2
    # The summer holiday belongs to the year before; the year turns on its first day of term.
    assert LONDON.academic_year_of(date(2027, 8, 20)) == 2026
    assert LONDON.academic_year_of(date(2026, 8, 31)) == 2025
    assert LONDON.academic_year_of(date(2026, 9, 1)) == 2026
    assert LONDON.current_half_term(date(2026, 8, 20)).label == "Summer 2 2025/26"


def test_term_days_skip_holidays_but_keep_weekends_inside_a_half_term():
    # Mon 19 Oct to Fri 6 Nov 2026: 5 days of autumn 1, the October week off, 5 of autumn 2.
    assert LONDON.term_days(date(2026, 10, 19), date(2026, 11, 6)) == 10
    # A full week inside a half term is 7 term-time days.
    assert LONDON.term_days(date(2026, 9, 14), date(2026, 9, 20)) == 7
    assert LONDON.term_days_since(date(2026, 10, 23), date(2026, 11, 2)) == 1
    assert LONDON.term_days(date(2026, 11, 6), date(2026, 11, 5)) == 0
    # Across the turn of the year: 18 Dec is term, the Christmas fortnight is not.
    assert LONDON.term_days(date(2026, 12, 18), date(2027, 1, 5)) == 3


def test_expected_sessions_year_one_weekly_and_year_two_fortnightly():
    autumn1 = default_year(2026)[0]
    weekly, fortnightly = default_cadence(1), default_cadence(2)
    assert (weekly, fortnightly) == (7, 14)
    whole = (autumn1.starts_on, autumn1.ends_on)
    assert LONDON.expected_sessions(*whole, weekly) == 8  # 53 days: 7 weeks and 4 days begun
    assert LONDON.expected_sessions(*whole, fortnightly) == 4
    # One per cadence period begun: the first day of term already has one due.
    assert LONDON.expected_sessions(autumn1.starts_on, autumn1.starts_on, weekly) == 1
    assert LONDON.expected_sessions(date(2026, 9, 1), date(2026, 9, 7), weekly) == 1
    assert LONDON.expected_sessions(date(2026, 9, 1), date(2026, 9, 8), weekly) == 2
    assert LONDON.expected_sessions(date(2026, 9, 1), date(2026, 9, 8), fortnightly) == 1


def test_a_pairing_that_started_mid_year_counts_from_its_start():
    spring1 = default_year(2026)[2]
    started = date(2027, 1, 14)
    first = max(spring1.starts_on, started)
    assert LONDON.term_days(first, spring1.ends_on) == 30
    assert LONDON.expected_sessions(first, spring1.ends_on, 7) == 5
    assert LONDON.expected_sessions(first, spring1.ends_on, 14) == 3
    # Days since the start, across the February week off: no extra days accrue in the holiday.
    assert LONDON.term_days_since(started, date(2027, 2, 21)) == 29
    assert LONDON.term_days_since(started, date(2027, 2, 22)) == 30


def test_a_school_with_its_own_term_dates():
    own = [
        (date(2026, 9, 7), date(2026, 10, 16)),
        (date(2026, 11, 2), date(2026, 12, 18)),
        (date(2027, 1, 5), date(2027, 2, 12)),
        (date(2027, 2, 22), date(2027, 3, 26)),
        (date(2027, 4, 12), date(2027, 5, 28)),
        (date(2027, 6, 7), date(2027, 7, 21)),
    ]
    terms = [HalfTermDates(2026, n, s, e) for n, (s, e) in enumerate(own, start=1)]
    calendar = SchoolCalendar("Europe/London", {2026: terms})
    assert calendar.is_custom(2026) and not calendar.is_custom(2027)
    assert calendar.half_term_on(date(2026, 9, 4)) is None  # term starts a week later here
    assert calendar.academic_year_of(date(2026, 9, 4)) == 2025
    assert calendar.half_term_on(date(2026, 10, 20)) is None  # a fortnight's October break
    assert calendar.term_days(date(2026, 10, 12), date(2026, 11, 3)) == 7
    weeks = calendar.weeks(2026)
    assert weeks[0].starts_on == date(2026, 9, 7)
    holidays = [w.starts_on for w in weeks if w.holiday]
    assert holidays[:2] == [date(2026, 10, 19), date(2026, 10, 26)]
    assert weeks[-1].starts_on == date(2027, 7, 19) and weeks[-1].term_days == 3
    # Years it has not stored follow the default calendar.
    assert calendar.year(2027) == default_year(2027)


def test_default_year_weeks():
    weeks = LONDON.weeks(2026)
    assert weeks[0].starts_on == date(2026, 8, 31) and weeks[0].term_days == 6  # Tue to Sun
    assert len(weeks) == 47
    holidays = [w.starts_on for w in weeks if w.holiday]
    assert holidays == [
        date(2026, 10, 26),
        date(2026, 12, 21),
        date(2026, 12, 28),
        date(2027, 2, 15),
        date(2027, 3, 22),
        date(2027, 3, 29),
        date(2027, 5, 31),
    ]


def test_local_dates_follow_the_school_time_zone():
    # 23:30 UTC in British Summer Time is already the next day in London.
    assert LONDON.local_date(datetime(2026, 6, 10, 23, 30, tzinfo=UTC)) == date(2026, 6, 11)
    assert LONDON.local_date(datetime(2027, 1, 10, 23, 30, tzinfo=UTC)) == date(2027, 1, 10)
    assert LONDON.today(datetime(2026, 9, 30, 23, 15, tzinfo=UTC)) == date(2026, 10, 1)
    tokyo = SchoolCalendar("Asia/Tokyo")
    assert tokyo.local_date(datetime(2027, 1, 10, 16, 0, tzinfo=UTC)) == date(2027, 1, 11)


@pytest.mark.parametrize(
    ("spans", "message"),
    [
        ([(date(2026, 9, 1), date(2026, 10, 23))] * 6, "must start after Autumn 1 ends"),
        ([(date(2026, 10, 23), date(2026, 9, 1))] + [(None, None)] * 5, "before the first day"),
        ([(date(2026, 9, 1), date(2026, 10, 23))] + [(None, None)] * 5, "both the first and"),
        (
            [(date(2025, 9, 1), date(2025, 10, 23))] + [(None, None)] * 5,
            "between 1 August 2026 and 31 August 2027",
        ),
    ],
)
def test_term_dates_are_checked(spans, message):
    problems = check_year(2026, spans)
    assert any(message in p for p in problems), problems


def test_the_default_year_passes_its_own_checks_and_zones_are_checked():
    assert check_year(2026, [(t.starts_on, t.ends_on) for t in default_year(2026)]) == []
    assert check_timezone("Europe/London") is None
    assert "not a time zone" in check_timezone("Mars/Olympus_Mons")
    assert "not a time zone" in check_timezone("../etc/passwd")
    assert check_timezone(" ")
