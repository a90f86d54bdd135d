"""Template filters for times, sizes and dates."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from web.errors import human_size


def timestamp(seconds: float | None) -> str:
    """Format seconds as m:ss, or h:mm:ss past an hour."""
    if seconds is None:
        return "–"
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def nice_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def register_filters(app: Flask) -> None:
    app.add_template_filter(timestamp, "timestamp")
    app.add_template_filter(nice_date, "nice_date")
    app.add_template_filter(human_size, "human_size")
