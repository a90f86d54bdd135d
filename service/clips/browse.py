"""The clips page: the clips a user may see, narrowed by filters and cut into pages.

Filters arrive as the page's GET parameters (school, ect, kind, status, from, to, page). Each
is read strictly; a value that cannot be used (not a number, a school or teacher whose clips
the user cannot see, a date that is not a date) is ignored and a note says so. Filters only
ever narrow clip_visibility: the query is always "what the user may see AND the filters".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from service import policy
from service.models import Clip, ClipKind, ClipStatus, School, User
from service.numbers import parse_integer

PER_PAGE = 24
# The statuses a person filters by: "preparing" covers both steps before a clip is ready.
STATUSES: dict[str, tuple[str, tuple[ClipStatus, ...]]] = {
    "preparing": ("Being prepared", (ClipStatus.UPLOADED, ClipStatus.PROCESSING)),
    "ready": ("Ready", (ClipStatus.READY,)),
    "failed": ("Could not be prepared", (ClipStatus.FAILED,)),
}
PARAMS = ("school", "ect", "kind", "status", "from", "to")


@dataclass(frozen=True)
class Filters:
    """The filters in force, each None when not filtering by it."""

    school_id: int | None = None
    owner_id: int | None = None
    kind: ClipKind | None = None
    status: str | None = None  # a key of STATUSES
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any(value is not None for value in self.params().values())

    def params(self) -> dict[str, str]:
        """The filters as GET parameters, for links that keep them."""
        values = {
            "school": self.school_id,
            "ect": self.owner_id,
            "kind": self.kind.value if self.kind else None,
            "status": self.status,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: str(value) for key, value in values.items() if value is not None}

    def where(self) -> list[ColumnElement[bool]]:
        """The filters as conditions on Clip."""
        conditions: list[ColumnElement[bool]] = []
        if self.school_id is not None:
            conditions.append(Clip.school_id == self.school_id)
        if self.owner_id is not None:
            conditions.append(Clip.owner_id == self.owner_id)
        if self.kind is not None:
            conditions.append(Clip.kind == self.kind)
        if self.status is not None:
            conditions.append(Clip.status.in_(STATUSES[self.status][1]))
        if self.date_from is not None:
            conditions.append(Clip.recorded_on >= self.date_from)
        if self.date_to is not None:
            conditions.append(Clip.recorded_on <= self.date_to)
        return conditions


@dataclass(frozen=True)
class ClipPage:
    """One page of the clips page, with what its filters may offer."""

    clips: list[Clip]
    total: int  # clips matching the filters, on every page
    page: int  # 1-based
    per_page: int
    filters: Filters
    notes: list[str] = field(default_factory=list)  # filter values that were ignored, and why
    schools: list[tuple[int, str]] = field(default_factory=list)  # whose clips the user sees
    owners: list[tuple[int, str]] = field(default_factory=list)  # teachers whose clips they see

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        """The position of the page's first clip (1-based), 0 when there are none."""
        return (self.page - 1) * self.per_page + 1 if self.clips else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.clips)

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """The page links to show: the first, the last, and those near this one; None a gap."""
        wanted = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        shown = sorted(n for n in wanted if 1 <= n <= self.pages)
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def _date(text: str, label: str, notes: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        notes.append(f"“{text}” is not a date, so the {label} date was left out.")
        return None


def _choice(text: str, offered: list[tuple[int, str]], what: str, notes: list[str]) -> int | None:
    if not text:
        return None
    number = parse_integer(text)
    # One note for a made-up id and for one the user may not see: it tells them nothing.
    if number is None or number not in {value for value, _ in offered}:
        notes.append(f"That {what} has no clips you can see, so all {what}s are shown.")
        return None
    return number


def read_filters(
    args: Mapping[str, str], schools: list[tuple[int, str]], owners: list[tuple[int, str]]
) -> tuple[Filters, list[str]]:
    """Read the page's GET parameters into filters; return them with notes on what was left out."""
    notes: list[str] = []
    text = {key: (args.get(key) or "").strip() for key in PARAMS}
    kind = None
    if text["kind"]:
        if text["kind"] in {k.value for k in ClipKind}:
            kind = ClipKind(text["kind"])
        else:
            notes.append("That kind of clip is not one we know, so every kind is shown.")
    status = None
    if text["status"]:
        if text["status"] in STATUSES:
            status = text["status"]
        else:
            notes.append("That status is not one we know, so clips of every status are shown.")
    date_from = _date(text["from"], "“from”", notes)
    date_to = _date(text["to"], "“to”", notes)
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
        notes.append("The “from” date was after the “to” date, so we swapped them.")
    filters = Filters(
        school_id=_choice(text["school"], schools, "school", notes),
        owner_id=_choice(text["ect"], owners, "teacher", notes),
        kind=kind,
        status=status,
        date_from=date_from,
        date_to=date_to,
    )
    return filters, notes


def _options(session: Session, user: User, seen: ColumnElement[bool]):
    schools = session.execute(
        select(School.id, School.name)
        .where(School.id.in_(select(Clip.school_id).where(seen)))
        .order_by(School.name, School.id)
    ).all()
    owners = session.execute(
        select(User.id, User.name)
        .where(User.id.in_(select(Clip.owner_id).where(seen)))
        .order_by(User.name, User.id)
    ).all()
    return [(i, n) for i, n in schools], [(i, n) for i, n in owners]


def browse(
    session: Session, user: User, args: Mapping[str, str], *, per_page: int = PER_PAGE
) -> ClipPage:
    """Return the page of the user's visible clips that the GET parameters ask for.

    Clips lent to the user by a share are listed apart ("Shared with you"), so not here.
    """
    seen = policy.clip_visibility(user, shares=False)
    schools, owners = _options(session, user, seen)
    filters, notes = read_filters(args, schools, owners)
    matching = select(Clip.id).where(seen, *filters.where())
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    pages = max(1, ceil(total / per_page))
    asked = (args.get("page") or "").strip()
    page = parse_integer(asked, minimum=1) if asked else 1
    if page is None:
        notes.append("That page number is not one we can show, so this is the first page.")
        page = 1
    elif page > pages:
        only = "is only one page" if pages == 1 else f"are only {pages} pages"
        notes.append(f"There {only} of clips, so this is the last one.")
        page = pages
    query = (
        select(Clip)
        .where(seen, *filters.where())
        .order_by(Clip.created_at.desc(), Clip.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return ClipPage(
        clips=list(session.scalars(query)),
        total=total,
        page=page,
        per_page=per_page,
        filters=filters,
        notes=notes,
        schools=schools,
        owners=owners,
    )
