"""The two digests: Monday's summary for coordinators, and the daily email of notifications.

**Coordinators' Monday summary** (kind ``coordinator_digest``): on a Monday in term, each
coordinator of a school (its own and its trust's) is told how many of the ECTs they audit are
overdue, with the dashboard's reason for each (service.induction.dashboard decides: no mentor,
no session within the cadence, a formal observation missing), and how many formal
observations are due this half term, linking to their dashboard. One a week for all their
schools (``digest:<coordinator id>:<ISO week>``), counting the schools where that day is a
Monday in term; a week with nothing overdue or due sends nothing.

**The daily email digest**: each person with notifications owed an email whose kind they have
"in a daily digest" (their choice, else the kind's default) gets one email a day listing them,
grouped by the day they were raised, each with its link and no more (no child's data). The
digest follows the person's home school (their first school, else their trust's first; none:
the default calendar in London): it goes out in that school's run (service.notify.schedule),
and a kind marked term-time only waits, still owed, while that school is on holiday; the first
digest of term carries it. A notification is claimed (``email_due`` false, ``emailed_at`` set)
by one UPDATE in the transaction that writes the email, and only if still owed, so a run
repeated or racing another writes no email twice. Notifications the person may no longer see
(service.notify.centre) are cleared without being emailed.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from service import mail, policy
from service.induction.dashboard import EctRow, FormalState, dashboard_rows
from service.induction.scope import calendars
from service.induction.terms import SchoolCalendar
from service.models import (
    DeliveryMode,
    Membership,
    Notification,
    NotificationPreference,
    Role,
    School,
    User,
)
from service.notify import kinds
from service.notify.centre import visible
from service.notify.checks import COORDINATOR_DIGEST, CheckResult, Today, iso_week, raise_one
from service.notify.delivery import TEMPLATE_PREFIX, Links
from service.notify.preferences import settings_url, unsubscribe_url

TEXT_LIMIT = 300  # Notification.text
DIGEST_TEMPLATE = f"{TEMPLATE_PREFIX}{kinds.DIGEST_KEY}"  # its unsubscribe link: the digest

# --- the coordinators' Monday summary ---------------------------------------------------------


def coordinator_digests(session: Session, today: Today, result: CheckResult) -> None:
    """On a Monday in term, raise each of the school's coordinators' weekly summary."""
    if today.day.weekday() != 0 or not today.allows(COORDINATOR_DIGEST):
        return
    school = today.school
    scope = [Membership.school_id == school.id]
    if school.trust_id is not None:
        scope.append(Membership.trust_id == school.trust_id)
    coordinators = list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.COORDINATOR, or_(*scope), User.active.is_(True))
            .order_by(User.id)
            .distinct()
        )
    )
    week = iso_week(today.day)
    told = set(
        session.scalars(
            select(Notification.user_id).where(
                Notification.dedupe_key.in_([f"digest:{c.id}:{week}" for c in coordinators])
            )
        )
    )
    rows: dict[int, list[EctRow]] = {}  # by school, shared by the coordinators of this run
    for coordinator in coordinators:
        if coordinator.id in told:
            continue
        schools = _monday_schools(session, coordinator, today.now)
        missing = [s for s in schools if s.id not in rows]
        if missing:
            rows.update(dashboard_rows(session, missing, now=today.now))
        text = summary([(s, rows[s.id]) for s in schools])
        if text is None:
            continue
        raise_one(
            session,
            result,
            today.now,
            coordinator.id,
            COORDINATOR_DIGEST,
            text=text,
            link=_dashboard_link(session, coordinator, schools),
            dedupe_key=f"digest:{coordinator.id}:{week}",
        )


def _monday_schools(session: Session, coordinator: User, now: datetime) -> list[School]:
    """The schools the coordinator audits where ``now`` falls on a Monday in term."""
    ids = policy.audited_school_ids(session, coordinator)
    schools = list(session.scalars(select(School).where(School.id.in_(ids)).order_by(School.name)))
    cals = calendars(session, schools)
    found = []
    for school in schools:
        day = cals[school.id].local_date(now)
        if day.weekday() == 0 and cals[school.id].half_term_on(day) is not None:
            found.append(school)
    return found


def _dashboard_link(session: Session, coordinator: User, schools: list[School]) -> str:
    trusts = coordinator.trust_ids(Role.COORDINATOR)
    if len(trusts) == 1:
        return f"/induction/trusts/{trusts[0]}"
    if len(schools) == 1 and not trusts:
        return f"/induction/schools/{schools[0].id}"
    return "/induction/"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def summary(by_school: list[tuple[School, list[EctRow]]]) -> str | None:
    """Write the week's summary (at most TEXT_LIMIT characters), or None if all is well."""
    several = len(by_school) > 1
    overdue = [(s, r) for s, rows in by_school for r in rows if r.overdue]
    formal_due = sum(
        1 for _s, rows in by_school for r in rows if r.formal_this_half_term == FormalState.DUE
    )
    if not overdue and not formal_due:
        return None
    total = sum(len(rows) for _s, rows in by_school)
    head = (
        f"This week: {_plural(len(overdue), 'ECT', 'ECTs')} of {total} overdue, and "
        f"{_plural(formal_due, 'formal observation', 'formal observations')} due this half "
        "term."
    )
    parts = []
    for school, row in overdue:
        where = f" ({school.name})" if several else ""
        # The reason's gist; the dashboard gives it whole.
        reason = row.reasons[0].split(":")[0].split(" since ")[0].rstrip(".")
        parts.append(f"{row.ect_name}{where}: {reason}")
    text = head
    for shown, part in enumerate(parts):
        more = len(parts) - shown - 1
        ending = f" …and {more} more on the dashboard." if more else "."
        joined = text + (" " if shown == 0 else "; ") + part
        if len(joined + ending) > TEXT_LIMIT:
            return f"{text} …and {more + 1} more on the dashboard."
        text = joined
    return text + ("." if parts else "")


# --- the daily email digest -------------------------------------------------------------------


def in_digest():
    """WHERE clause: the notification's person has its kind emailed in the daily digest."""
    chosen = aliased(NotificationPreference)
    choice = select(chosen.mode).where(
        chosen.user_id == Notification.user_id, chosen.kind == Notification.kind
    )
    return or_(
        exists(choice.where(chosen.mode == DeliveryMode.DIGEST)),
        and_(~exists(choice), Notification.kind.in_(kinds.digest_by_default())),
    )


def home_schools(session: Session, user_ids: Iterable[int]) -> dict[int, int | None]:
    """Each person's home school: whose time zone and term dates their digest follows."""
    ids = list(user_ids)
    first_school: dict[int, int] = {}
    first_trust: dict[int, int] = {}
    for user_id, school_id, trust_id in session.execute(
        select(Membership.user_id, Membership.school_id, Membership.trust_id)
        .where(Membership.user_id.in_(ids))
        .order_by(Membership.id)
    ):
        if school_id is not None:
            first_school.setdefault(user_id, school_id)
        elif trust_id is not None:
            first_trust.setdefault(user_id, trust_id)
    trust_school = dict(
        session.execute(
            select(School.trust_id, func.min(School.id))
            .where(School.trust_id.in_(set(first_trust.values())))
            .group_by(School.trust_id)
        ).all()
    )
    return {i: first_school.get(i) or trust_school.get(first_trust.get(i, -1)) for i in ids}


@dataclass(frozen=True)
class DigestRun:
    """The homes whose digests go out in one run: school id (None: no school) -> calendar."""

    homes: Mapping[int | None, SchoolCalendar]
    now: datetime
    links: Links


def send_email_digests(session: Session, run: DigestRun) -> list[int]:
    """Write the digest email of each person of these homes with notifications owed one; the
    caller commits. Return the ids of the messages written, for the caller to queue."""
    people = list(
        session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                exists(
                    select(Notification.id).where(
                        Notification.user_id == User.id,
                        Notification.email_due.is_(True),
                        in_digest(),
                    )
                ),
            )
            .order_by(User.id)
        )
    )
    homes = home_schools(session, [p.id for p in people])
    written = []
    for person in people:
        if homes[person.id] not in run.homes:
            continue  # another school's run (or another hour) sends theirs
        calendar = run.homes[homes[person.id]]
        message = _digest_for(session, person, calendar, run)
        if message is not None:
            written.append(message.id)
    return written


def _digest_for(session: Session, person: User, calendar: SchoolCalendar, run: DigestRun):
    """Claim the person's owed digest notifications and write their email (None: nothing)."""
    owed = select(Notification.id).where(
        Notification.user_id == person.id, Notification.email_due.is_(True), in_digest()
    )
    if calendar.half_term_on(calendar.local_date(run.now)) is None:
        held = [k.key for k in kinds.KINDS.values() if k.term_time_only]
        owed = owed.where(Notification.kind.not_in(held))  # they wait for term
    owed_ids = list(session.scalars(owed))
    if not owed_ids:
        return None
    shown = set(
        session.scalars(
            select(Notification.id).where(Notification.id.in_(owed_ids), visible(session, person))
        )
    )
    claimed = session.scalars(
        update(Notification)
        .where(Notification.id.in_(owed_ids), Notification.email_due.is_(True))
        .values(email_due=False, emailed_at=run.now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    ids = [i for i in claimed if i in shown]
    if not ids:
        return None
    items = list(
        session.scalars(
            select(Notification)
            .where(Notification.id.in_(ids))
            .order_by(Notification.created_at, Notification.id)
        )
    )
    return compose_digest(session, person, items, calendar, run)


def by_day(
    items: list[Notification], calendar: SchoolCalendar
) -> list[tuple[date, list[Notification]]]:
    """Group notifications by the local day they were raised on, oldest day first."""
    days: dict[date, list[Notification]] = defaultdict(list)
    for item in items:
        days[calendar.local_date(item.created_at)].append(item)
    return sorted(days.items())


def compose_digest(
    session: Session,
    person: User,
    items: list[Notification],
    calendar: SchoolCalendar,
    run: DigestRun,
):
    """Write one person's digest: each day's notifications, each with its link."""
    base = (run.links.base_url or "").rstrip("/") or None
    root = base or "http://localhost:5000"
    stop = unsubscribe_url(base, run.links.secret_key, person.id, kinds.DIGEST_KEY)
    choose = settings_url(base)
    count = _plural(len(items), "notification", "notifications")
    intro = f"Here {'is' if len(items) == 1 else 'are'} your {count} from Coachreel."
    why = "You get this email because some notifications are set to a daily digest."
    esc = html.escape
    lines = [f"Hello {person.name},", intro]
    body = [f"<p>{esc(lines[0])}</p>", f"<p>{esc(intro)}</p>"]
    for day, notes in by_day(items, calendar):
        heading = f"{day:%A %-d %B %Y}"
        lines.append(heading + "\n" + "\n".join(f"- {n.text}\n  {root}{n.link}" for n in notes))
        body.append(f"<h2>{esc(heading)}</h2>\n<ul>")
        body += [
            f'<li>{esc(n.text)} <a href="{esc(root + n.link, quote=True)}">Open it</a></li>'
            for n in notes
        ]
        body.append("</ul>")
    lines += [why, "Coachreel", f"Stop the daily digest:\n{stop}", f"Choose your emails:\n{choose}"]
    body += [f"<p>{esc(why)}</p>", "<p>Coachreel</p>"]
    body += [
        f'<p><small><a href="{esc(url, quote=True)}">{esc(words)}</a></small></p>'
        for words, url in (("Stop the daily digest", stop), ("Choose your emails", choose))
    ]
    page = (
        '<!doctype html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
        "<title>Your Coachreel digest</title></head>\n"
        '<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em">\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    return mail.compose(
        session,
        to=person.email,
        user_id=person.id,
        template=DIGEST_TEMPLATE,
        subject=f"Coachreel: your daily digest ({count})",
        text="\n\n".join(lines) + "\n",
        html=page,
    )
