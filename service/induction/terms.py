"""School calendars and coaching cadence: pure date arithmetic, no database.

An academic year is named by the calendar year it starts in (2026 for 2026/27) and has six
half terms: autumn 1 and 2, spring 1 and 2, summer 1 and 2. A school may store its own dates
(``HalfTerm`` rows); a year it has not stored follows the default English calendar:

- autumn 1 starts on the first weekday on or after 1 September, and ends on the Friday before
  the October half-term week (the week starting on the last Monday of October);
- autumn 2 starts the Monday after that week and ends on the last Friday on or before
  20 December;
- spring 1 starts on the first weekday on or after 4 January, and ends on the Friday before
  the February half-term week (the week starting on the third Monday of February);
- spring 2 starts the Monday after that week and ends on the Friday before the Easter break:
  the fortnight starting on the Monday before Easter Sunday;
- summer 1 starts the Monday after the Easter break and ends on the Friday before the May
  half-term week (the week starting on the last Monday of May, the spring bank holiday);
- summer 2 starts the Monday after that week and ends on the last weekday on or before
  22 July.

Bank holidays inside a half term are not taken out: local authorities and trusts differ, and a
school that needs them exact stores its own dates.

**Term-time days** are the calendar days from a half term's first day to its last, weekends
inside it included (a weekly cadence is a 7-day rhythm); the days between half terms
(holidays) are not term time. Cadence arithmetic counts only term-time days:

- *expected sessions* in a span of term time = one for each cadence period begun: the
  term-time days in the span (including today) divided by the cadence, rounded up;
- *days since* a date = the term-time days after it, up to and including today.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/London"
HALF_TERM_NAMES = ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2")
# Cadence when a pairing's induction year is set and no cadence is given.
DEFAULT_CADENCE = {1: 7, 2: 14}
MIN_CADENCE, MAX_CADENCE = 1, 56
# A half term's formal observation is flagged missing in its last two weeks.
FORMAL_GRACE_DAYS = 14


@dataclass(frozen=True)
class HalfTermDates:
    """One half term: its academic year, number 1..6 and first and last day."""

    academic_year: int
    number: int
    starts_on: date
    ends_on: date

    @property
    def name(self) -> str:
        return HALF_TERM_NAMES[self.number - 1]

    @property
    def label(self) -> str:
        """The half term with its year, e.g. "Autumn 1 2026/27"."""
        return f"{self.name} {year_label(self.academic_year)}"

    @property
    def formal_with_ect_lead(self) -> bool:
        """Even half terms' formal observation is by the mentor with the ECT lead."""
        return self.number % 2 == 0

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


def year_label(academic_year: int) -> str:
    """Say an academic year the way schools write it: 2026 -> "2026/27"."""
    return f"{academic_year}/{(academic_year + 1) % 100:02d}"


# --- the default English calendar -------------------------------------------------------------


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 4) % 7)


def _last_monday(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    last = first_next - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def easter_sunday(year: int) -> date:
    """Return Easter Sunday of a year (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def default_year(academic_year: int) -> tuple[HalfTermDates, ...]:
    """The six half terms of the default English calendar (see the module docstring)."""
    y, n = academic_year, academic_year + 1
    october = _last_monday(y, 10)
    february = _nth_monday(n, 2, 3)
    easter_break = easter_sunday(n) - timedelta(days=6)  # the Monday before Easter Sunday
    may = _last_monday(n, 5)
    spans = [
        (_weekday_on_or_after(date(y, 9, 1)), october - timedelta(days=3)),
        (october + timedelta(days=7), _friday_on_or_before(date(y, 12, 20))),
        (_weekday_on_or_after(date(n, 1, 4)), february - timedelta(days=3)),
        (february + timedelta(days=7), easter_break - timedelta(days=3)),
        (easter_break + timedelta(days=14), may - timedelta(days=3)),
        (may + timedelta(days=7), _weekday_on_or_before(date(n, 7, 22))),
    ]
    return tuple(
        HalfTermDates(academic_year, number, start, end)
        for number, (start, end) in enumerate(spans, start=1)
    )


# --- checking a school's own dates ------------------------------------------------------------


def year_window(academic_year: int) -> tuple[date, date]:
    """The sensible range for an academic year's dates: 1 August to 31 August a year later."""
    return date(academic_year, 8, 1), date(academic_year + 1, 8, 31)


def check_year(academic_year: int, spans: list[tuple[date | None, date | None]]) -> list[str]:
    """Return what is wrong with six (start, end) pairs for a year, in plain words (or [])."""
    problems: list[str] = []
    if len(spans) != 6:
        return ["Please give the dates of all six half terms."]
    first, last = year_window(academic_year)
    previous_end: date | None = None
    for number, (start, end) in enumerate(spans, start=1):
        name = HALF_TERM_NAMES[number - 1]
        if start is None or end is None:
            problems.append(f"{name}: please give both the first and the last day.")
            previous_end = None
            continue
        if end < start:
            problems.append(f"{name}: the last day is before the first day.")
        if start < first or end > last:
            problems.append(
                f"{name}: the dates must fall between {first:%-d %B %Y} and {last:%-d %B %Y} "
                f"for the {year_label(academic_year)} year."
            )
        if previous_end is not None and start <= previous_end:
            problems.append(
                f"{name} must start after {HALF_TERM_NAMES[number - 2]} ends "
                f"({previous_end:%-d %B %Y}): half terms are in order and do not overlap."
            )
        previous_end = end
    return problems


def check_timezone(name: str) -> str | None:
    """Return a problem with a time zone name, or None when it is a known zone."""
    name = name.strip()
    if not name:
        return "Please give the school's time zone, for example Europe/London."
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"“{name}” is not a time zone we know. Use a name like Europe/London."
    return None


# --- a school's calendar ------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """One Monday-to-Sunday column of the heatmap."""

    starts_on: date
    half_term: HalfTermDates | None  # the half term with term-time days this week, if any
    term_days: int  # the week's term-time days (0 for a holiday week)

    @property
    def holiday(self) -> bool:
        return self.term_days == 0

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(days=6)


class SchoolCalendar:
    """A school's half terms and time zone: stored dates where it has them, else the default."""

    def __init__(
        self,
        timezone: str = DEFAULT_TIMEZONE,
        custom: Mapping[int, Iterable[HalfTermDates]] | None = None,
    ):
        try:
            self.zone = ZoneInfo(timezone or DEFAULT_TIMEZONE)
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = ZoneInfo(DEFAULT_TIMEZONE)
        self._custom = {
            year: tuple(sorted(terms, key=lambda t: t.number))
            for year, terms in (custom or {}).items()
        }
        self._years: dict[int, tuple[HalfTermDates, ...]] = {}

    def is_custom(self, academic_year: int) -> bool:
        return len(self._custom.get(academic_year, ())) == 6

    def year(self, academic_year: int) -> tuple[HalfTermDates, ...]:
        """The six half terms of an academic year."""
        if academic_year not in self._years:
            stored = self._custom.get(academic_year, ())
            self._years[academic_year] = stored if len(stored) == 6 else default_year(academic_year)
        return self._years[academic_year]

    # Times and days in the school's zone.

    def local_date(self, moment: datetime) -> date:
        """The school's local date of a timestamp (naive timestamps are taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone).date()

    def today(self, now: datetime | None = None) -> date:
        return self.local_date(now or datetime.now(UTC))

    # Where a day falls.

    def academic_year_of(self, day: date) -> int:
        """The academic year a day belongs to: the summer holiday belongs to the year before."""
        year = day.year if day.month >= 8 else day.year - 1
        if day < self.year(year)[0].starts_on:
            year -= 1
        return year

    def half_term_on(self, day: date) -> HalfTermDates | None:
        """The half term a day is in, or None in a holiday."""
        return next((t for t in self.year(self.academic_year_of(day)) if t.contains(day)), None)

    def current_half_term(self, day: date) -> HalfTermDates:
        """The half term a day is in, or in a holiday the one that ended last."""
        year = self.academic_year_of(day)
        started = [t for t in self.year(year) if t.starts_on <= day]
        return started[-1] if started else self.year(year - 1)[-1]

    # Counting term-time days.

    def term_days(self, first: date, last: date) -> int:
        """The term-time days from ``first`` to ``last``, both included (0 if last < first)."""
        if last < first:
            return 0
        total = 0
        for year in range(self.academic_year_of(first), self.academic_year_of(last) + 1):
            for term in self.year(year):
                start, end = max(term.starts_on, first), min(term.ends_on, last)
                if end >= start:
                    total += (end - start).days + 1
        return total

    def term_days_since(self, day: date, today: date) -> int:
        """The term-time days after ``day``, up to and including ``today``."""
        return self.term_days(day + timedelta(days=1), today)

    def expected_sessions(self, first: date, last: date, cadence_days: int) -> int:
        """Sessions due from ``first`` to ``last``: one per cadence period of term time begun."""
        return math.ceil(self.term_days(first, last) / max(cadence_days, 1))

    def weeks(self, academic_year: int) -> list[Week]:
        """The Monday-start weeks from the year's first half term to its last."""
        terms = self.year(academic_year)
        monday = terms[0].starts_on - timedelta(days=terms[0].starts_on.weekday())
        weeks = []
        while monday <= terms[-1].ends_on:
            sunday = monday + timedelta(days=6)
            days = 0
            in_term = None
            for term in terms:
                start, end = max(term.starts_on, monday), min(term.ends_on, sunday)
                if end >= start:
                    days += (end - start).days + 1
                    in_term = in_term or term
            weeks.append(Week(monday, in_term, days))
            monday += timedelta(days=7)
        return weeks


def default_cadence(induction_year: int) -> int:
    """Weekly coaching in year 1, fortnightly in year 2."""
    return DEFAULT_CADENCE.get(induction_year, 7)
