"""Template filters for times, sizes and dates, and the names of the Teachers' Standards.

Every date and time a page shows goes through these filters: one format ("5 Mar 2025", and
"5 Mar 2025, 14:05" with a time), in the viewer's school's time zone (Europe/London without
one), and counts in words with the right plural ("1 day", "2 days").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, g, has_request_context
from flask_login import current_user

from service import policy
from service.errors import size_text
from service.models import TEACHERS_STANDARDS


def timestamp(seconds: float | None) -> str:
    """Format seconds as m:ss, or h:mm:ss past an hour."""
    if seconds is None:
        return "–"
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def moment(at_seconds: float | None, end_seconds: float | None = None) -> str:
    """Say a comment's moment, "00:05", or its range, "00:05–00:12"."""
    if end_seconds is None:
        return timestamp(at_seconds)
    return f"{timestamp(at_seconds)}–{timestamp(end_seconds)}"


DEFAULT_ZONE = "Europe/London"


def school_zone() -> ZoneInfo:
    """The time zone of the viewer's (first) school; England's outside a request or school."""
    if not has_request_context():
        return ZoneInfo(DEFAULT_ZONE)
    if "school_zone" not in g:
        name = DEFAULT_ZONE
        if getattr(current_user, "is_authenticated", False):
            schools = [m.school for m in current_user.memberships if m.school is not None]
            name = schools[0].timezone if schools else DEFAULT_ZONE
        try:
            g.school_zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            g.school_zone = ZoneInfo(DEFAULT_ZONE)
    return g.school_zone


def local(value: datetime) -> datetime:
    """Put a moment in the school's time zone (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(school_zone())


def nice_date(value: date | datetime | None) -> str:
    """Format a day as "5 Mar 2025" (a moment's day in the school's zone), or nothing."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day} {value:%b %Y}"


def when(value: datetime | None, seconds: bool = False) -> str:
    """Format a moment as "5 Mar 2025, 14:05" in the school's time zone (with ":09" seconds
    where they matter, as in the audit log), or nothing."""
    if value is None:
        return ""
    moment_there = local(value)
    return (
        f"{nice_date(moment_there)}, {moment_there:%H:%M:%S}"
        if seconds
        else (f"{nice_date(moment_there)}, {moment_there:%H:%M}")
    )


def plural(count: int | float, singular: str, plural_form: str | None = None) -> str:
    """Say a count with its noun: "1 day", "2 days", "0 replies" (``plural_form`` if not +s)."""
    noun = singular if count == 1 else (plural_form or singular + "s")
    shown = f"{count:g}" if isinstance(count, float) else str(count)
    return f"{shown} {noun}"


def short_date(value: date | None) -> str:
    """Format a day as "5 Mar 2025", or a dash when there is none."""
    return nice_date(value) or "–"


def day_month(value: date) -> str:
    """Format a day as "5 Mar", where the year goes without saying."""
    return f"{value.day} {value:%b}"


def days_wait(value: timedelta | None) -> str:
    """Say a wait in plain words: "5 hours", "2.1 days"."""
    if value is None:
        return "–"
    hours = value.total_seconds() / 3600
    if hours < 24:
        return plural(round(hours), "hour")
    return plural(round(hours / 24, 1), "day")


def standard_name(number: int | None) -> str:
    """Name a Teachers' Standard by its number: "1. Set high expectations…"."""
    return f"{number}. {TEACHERS_STANDARDS[number]}" if number in TEACHERS_STANDARDS else ""


def today() -> date:
    """Return today's date, for templates."""
    return date.today()


def audits_trust(trust_id: int | None) -> bool:
    """Say whether the viewer sees this trust's roll-up, for the induction menu's link (a
    global, so imported macros see it; the rule is the policy's)."""
    if trust_id is None or not getattr(current_user, "is_authenticated", False):
        return False
    return policy.can_audit_trust(current_user, trust_id)


def register_filters(app: Flask) -> None:
    """Make the filters, and today's date, available to every template."""
    app.add_template_filter(timestamp, "timestamp")
    app.add_template_filter(moment, "moment")
    app.add_template_filter(nice_date, "nice_date")
    app.add_template_filter(when, "when")
    app.add_template_filter(day_month, "day_month")
    app.add_template_filter(plural, "plural")
    app.add_template_filter(size_text, "human_size")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(days_wait, "days_wait")
    app.add_template_filter(standard_name, "standard_name")
    app.add_template_global(today, "today")
    app.add_template_global(audits_trust, "audits_trust")
