"""Template filters for times, sizes and dates, and the names of the Teachers' Standards."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask

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


def nice_date(value: date | datetime | None) -> str:
    """Format a day as "5 Mar 2025", or nothing when there is none."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


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
        return f"{hours:.0f} hours" if round(hours) != 1 else "1 hour"
    return f"{hours / 24:.1f} days"


def standard_name(number: int | None) -> str:
    """Name a Teachers' Standard by its number: "1. Set high expectations…"."""
    return f"{number}. {TEACHERS_STANDARDS[number]}" if number in TEACHERS_STANDARDS else ""


def today() -> date:
    """Return today's date, for templates."""
    return date.today()


def register_filters(app: Flask) -> None:
    """Make the filters, and today's date, available to every template."""
    app.add_template_filter(timestamp, "timestamp")
    app.add_template_filter(nice_date, "nice_date")
    app.add_template_filter(size_text, "human_size")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(days_wait, "days_wait")
    app.add_template_filter(standard_name, "standard_name")
    app.add_template_global(today, "today")
