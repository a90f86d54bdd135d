"""Reading a roster CSV file: its bytes into text, its columns and rows into plain values.

What a school's spreadsheet writes varies: UTF-8 with or without a byte order mark, Windows-1252
from older Excel, "," or ";" between cells (Excel in many European locales writes ";"), header
names in any case. Whatever is wrong is said with the row number a spreadsheet shows (the header
is row 1). Checking rows against the database is service.people.roster's work.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from service.errors import InvalidInput
from service.models import Role

MAX_BYTES = 1024 * 1024  # the confirm step carries the text in a form field: 1 MB at most
MAX_ROWS = 5000
UNREADABLE = "This file is not a CSV we can read: in Excel choose Save As → CSV UTF-8."

# Each column, by the names a header may give it (compared lower case, spaces collapsed).
COLUMNS = {
    "email": ("email", "email address", "e mail", "e mail address", "work email"),
    "name": ("full name", "name"),
    "urn": ("school urn", "urn"),
    "roles": ("role", "roles", "role s"),
    "start": ("induction start date", "induction start", "induction started", "start date"),
    "year": ("induction year", "year"),
    "mentor": ("mentor email", "mentor", "mentor email address"),
    "lead": ("ect lead email", "ect lead", "induction tutor email", "induction tutor"),
}
REQUIRED = {"email": "Email", "name": "Full name", "roles": "Role"}
HEADER = [
    "Email",
    "Full name",
    "School URN",
    "Role",
    "Induction start date",
    "Induction year",
    "Mentor email",
    "ECT lead email",
]
ROLE_WORDS = {
    **{role.value: role for role in Role if role != Role.ADMIN},
    **{role.label.lower(): role for role in Role if role != Role.ADMIN},
    "coordinator": Role.COORDINATOR,
    "early career teacher (ect)": Role.ECT,
}
ROLE_SPLIT = re.compile(r"[;|,/]")


@dataclass
class RosterRow:
    """One row as read: values cleaned of spaces, emails lower case; problems in words."""

    line: int
    email: str
    name: str
    urn: str
    roles: frozenset[Role]
    started_on: date | None
    year: int | None
    mentor: str
    lead: str
    problems: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Return a roster file's text: UTF-8 (a BOM or none), else Windows-1252 when that reads
    cleanly; refuse UTF-16, binary files, empty and oversized ones."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            "This file is larger than 1 MB. Please split it into files of at most "
            f"{MAX_ROWS:,} people each."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise InvalidInput(UNREADABLE)  # UTF-16 ("Unicode text") or not text at all
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InvalidInput(UNREADABLE) from None
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        raise InvalidInput(UNREADABLE)
    if not text.strip():
        raise InvalidInput("This file is empty. Please choose the roster file you saved.")
    return text


def _key(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") > first.count(",") else ","


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _key(cell)
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = index
    missing = [label for column, label in REQUIRED.items() if column not in found]
    if missing:
        names = " and ".join(f"“{label}”" for label in missing)
        raise InvalidInput(
            f"The first row must name the columns, and {names} "
            f"{'is' if len(missing) == 1 else 'are'} missing. Download the template to see "
            "the columns we read."
        )
    return found


def parse_date(value: str) -> date | None:
    """Read 2026-09-01 or 01/09/2026 (day first, as in England); None when it is neither."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _roles(value: str, problems: list[str]) -> frozenset[Role]:
    roles = set()
    for word in ROLE_SPLIT.split(value):
        word = " ".join(word.lower().split())
        if not word:
            continue
        role = ROLE_WORDS.get(word)
        if role is None:
            problems.append(
                f"“{word[:40]}” is not a role we know: use ECT, mentor, reviewer or coordinator."
            )
        else:
            roles.add(role)
    if not roles and not problems:
        problems.append("The role is missing: use ECT, mentor, reviewer or coordinator.")
    return frozenset(roles)


def _row(line: int, cells: list[str], columns: dict[str, int], width: int) -> RosterRow:
    def cell(column: str) -> str:
        index = columns.get(column)
        return " ".join(cells[index].split()) if index is not None and index < len(cells) else ""

    problems: list[str] = []
    if any(c.strip() for c in cells[width:]):
        problems.append(
            "This row has more cells than the first row has columns. Put several roles in one "
            "cell separated by “;”, or check for a stray comma."
        )
    roles = _roles(cell("roles"), problems)
    started_on, year = None, None
    if Role.ECT in roles:
        text = cell("start")
        started_on = parse_date(text) if text else None
        if not text:
            problems.append("An ECT needs an induction start date, e.g. 2026-09-01 or 01/09/2026.")
        elif started_on is None:
            problems.append(
                f"“{text[:20]}” is not a date we can read: write it as 2026-09-01 or 01/09/2026."
            )
        text = cell("year").lower().removeprefix("year").strip()
        year = int(text) if text in ("1", "2") else None
        if year is None:
            problems.append("An ECT's induction year must be 1 or 2.")
    return RosterRow(
        line=line,
        email=cell("email").lower(),
        name=cell("name"),
        urn=cell("urn"),
        roles=roles,
        started_on=started_on,
        year=year,
        mentor=cell("mentor").lower(),
        lead=cell("lead").lower(),
        problems=problems,
    )


def parse(text: str) -> list[RosterRow]:
    """Read a roster's rows (blank rows left out); refuse a file without the columns we need,
    without rows, or with too many."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[RosterRow] = []
    columns: dict[str, int] | None = None
    width = 0
    try:
        for line, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue
            if columns is None:
                columns, width = _columns(cells), len(cells)
                continue
            if len(rows) >= MAX_ROWS:
                raise InvalidInput(
                    f"This file has more than {MAX_ROWS:,} people. Please split it into "
                    "smaller files."
                )
            rows.append(_row(line, cells, columns, width))
    except csv.Error:
        raise InvalidInput(UNREADABLE) from None
    if not rows:
        raise InvalidInput(
            "This file has no people in it: add one row per person under the column names."
        )
    return rows


def template() -> str:
    """Return the template roster: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerow(
        [
            "jo.smith@school.example",
            "Jo Smith",
            "123456",
            "ECT",
            "2026-09-01",
            "1",
            "sam.jones@school.example",
            "",
        ]
    )
    return out.getvalue()
