"""The dashboard as CSV, with stable column headers, and the CSV writer every audit export uses."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from service.induction.dashboard import EctRow

# Stable column headers: add new ones at the end, never rename (people build sheets on them).
DASHBOARD_COLUMNS = [
    "ect_id",
    "ect_name",
    "ect_email",
    "mentor_name",
    "induction_year",
    "cadence_days",
    "half_term",
    "last_observation",
    "last_session",
    "sessions_this_half_term",
    "sessions_expected",
    "term_days_since_session",
    "formal_this_half_term",
    "formal_year_done",
    "formal_year_due",
    "active_step_age_days",
    "clips_awaiting_feedback",
    "oldest_wait_days",
    "overdue",
    "overdue_reasons",
]


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def csv_text(value: object) -> str:
    return "" if value is None else str(value)


def dashboard_csv_rows(rows: Iterable[EctRow]) -> list[list[str]]:
    """The dashboard as CSV cells (dates ISO 8601, blanks for none), header first."""
    table = [list(DASHBOARD_COLUMNS)]
    for r in rows:
        table.append(
            [
                str(r.ect_id),
                r.ect_name,
                r.ect_email,
                r.mentor_name or "",
                csv_text(r.induction_year),
                csv_text(r.cadence_days),
                r.half_term.label,
                iso_date(r.last_observation),
                iso_date(r.last_session),
                str(r.sessions_this_half_term),
                str(r.sessions_expected),
                csv_text(r.term_days_since_session),
                r.formal_this_half_term.value,
                str(r.formal_year_done),
                str(r.formal_year_due),
                csv_text(r.step_age_days),
                str(r.awaiting_feedback),
                csv_text(r.oldest_wait_days),
                "yes" if r.overdue else "no",
                " ".join(r.reasons),
            ]
        )
    return table


def to_csv(table: list[list[str]]) -> str:
    """Write rows as CSV text, neutralising cells a spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table:
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in row])
    return buffer.getvalue()
