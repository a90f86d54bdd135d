"""Importing a roster file: a preview that says, person by person, what the file would change,
and applying it, all or nothing, once the coordinator confirms.

A file with any error changes nothing: the preview lists every error, and the person fixes the
file and uploads it again. Applying the same file twice changes nothing the second time and
writes no audit events. Parsing is service.people.roster_file's work; people, memberships and
pairings are made through service.people.staff and service.people.pairings, as one by one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.errors import InvalidInput
from service.models import AuditAction, Mentorship, Role, School, User
from service.people import staff
from service.people.roster_file import RosterRow, decode, parse
from service.people.schools import URN_PATTERN, people_school


class RowKind(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"

    @property
    def label(self) -> str:
        return {
            "new": "New",
            "changed": "Changed",
            "unchanged": "No change",
            "error": "Error",
        }[self.value]


@dataclass
class PlannedRow:
    """One person of the file: what the file says, and what applying it would change."""

    row: RosterRow
    school: School | None
    user: User | None  # the existing account with this email
    kind: RowKind = RowKind.UNCHANGED
    notes: list[str] = field(default_factory=list)  # the changes, or the errors

    @property
    def roles(self) -> list[Role]:
        return [role for role in staff.PERSON_ROLES if role in self.row.roles]


@dataclass(frozen=True)
class Preview:
    school: School
    rows: list[PlannedRow]

    def count(self, kind: RowKind) -> int:
        return sum(1 for r in self.rows if r.kind == kind)

    @property
    def errors(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.kind == RowKind.ERROR]

    @property
    def can_apply(self) -> bool:
        """Say whether applying would change anything (and nothing is wrong)."""
        return not self.errors and any(r.kind in (RowKind.NEW, RowKind.CHANGED) for r in self.rows)


@dataclass(frozen=True)
class Applied:
    new_user_ids: list[int]  # the new accounts, to invite
    added: int
    changed: int
    unchanged: int


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _accounts(session: Session, emails: set[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for chunk in _chunks(sorted(e for e in emails if e)):
        query = select(User).where(func.lower(User.email).in_(chunk))
        found.update({u.email.lower(): u for u in session.scalars(query)})
    return found


def _school(row: RosterRow, here: School, schools: dict[str, School]) -> School | None:
    if not row.urn:
        return here
    if not URN_PATTERN.fullmatch(row.urn):
        row.problems.append(f"“{row.urn[:20]}” is not a URN: a school's URN is six digits.")
        return None
    school = schools.get(row.urn)
    if school is None:
        row.problems.append(f"We could not find a school you manage with URN {row.urn}.")
    return school


def _check_people(rows: list[RosterRow]) -> None:
    first: dict[str, RosterRow] = {}
    for row in rows:
        for problem in (staff.email_problem(row.email), staff.name_problem(row.name)):
            if problem:
                row.problems.append(problem)
        if not row.email:
            continue
        if row.email in first:
            earlier = first[row.email]
            row.problems.append(f"{row.email} is also on row {earlier.line}.")
            earlier.problems.append(f"{row.email} is also on row {row.line}.")
        else:
            first[row.email] = row


def _check_pairing(
    plan: PlannedRow, in_file: dict[str, PlannedRow], accounts: dict[str, User]
) -> None:
    row, school = plan.row, plan.school
    if Role.ECT not in row.roles or school is None:
        return
    for email, role, what in ((row.mentor, Role.MENTOR, "mentor"), (row.lead, None, "ECT lead")):
        if not email:
            continue
        if email == row.email:
            row.problems.append(f"An ECT cannot be their own {what}.")
            continue
        listed = in_file.get(email)
        if (
            listed is not None
            and listed.school is school
            and (role is None or role in listed.row.roles)
        ):
            continue
        known = accounts.get(email)
        if known is not None and known.active and school.id in known.school_ids(role):
            continue
        as_what = f"as a {what}" if role else "as staff"
        row.problems.append(
            f"The {what} {email} is not in this file {as_what} of {school.name}, "
            f"nor already {'a ' + what if role else 'one of its staff'} there."
        )


def _changes(plan: PlannedRow, pairing: Mentorship | None) -> list[str]:
    row, user, school = plan.row, plan.user, plan.school
    assert user is not None and school is not None
    changes = []
    if row.name != user.name:
        changes.append(f"name: {user.name} → {row.name}")
    held = {m.role for m in user.memberships if m.school_id == school.id}
    changes += [f"now {role.label.lower()}" for role in plan.roles if role not in held]
    if Role.ECT not in row.roles:
        return changes
    ect = next(
        (m for m in user.memberships if m.school_id == school.id and m.role == Role.ECT), None
    )
    if ect is not None and ect.induction_started_on != row.started_on:
        changes.append(f"induction start: {row.started_on:%-d %b %Y}")
    if not row.mentor:
        return changes
    if pairing is None or pairing.school_id != school.id:
        changes.append(f"paired with {row.mentor}, year {row.year}")
        return changes
    if pairing.mentor.email.lower() != row.mentor:
        changes.append(f"mentor: {pairing.mentor.email} → {row.mentor}")
        return changes
    if pairing.induction_year != row.year:
        changes.append(f"induction year {pairing.induction_year} → {row.year}")
    lead = pairing.ect_lead.email.lower() if pairing.ect_lead else ""
    if lead != row.lead:
        changes.append(f"ECT lead: {lead or 'none'} → {row.lead or 'none'}")
    return changes


def plan_rows(session: Session, actor: User, here: School, rows: list[RosterRow]) -> Preview:
    """Check each row against the file and the database, and say what it would change."""
    managed = policy.people_school_ids(session, actor)
    schools = {
        s.urn: s for s in session.scalars(select(School).where(School.id.in_(managed))) if s.urn
    }
    _check_people(rows)
    emails = {r.email for r in rows} | {r.mentor for r in rows} | {r.lead for r in rows}
    accounts = _accounts(session, emails)
    plans = [PlannedRow(row, _school(row, here, schools), accounts.get(row.email)) for row in rows]
    in_file = {p.row.email: p for p in plans if p.row.email}
    for plan in plans:
        _check_pairing(plan, in_file, accounts)
        if plan.user is not None and not plan.user.active:
            plan.row.problems.append(
                f"{plan.user.email}'s account is deactivated. Reactivate them first."
            )
    ect_ids = [p.user.id for p in plans if p.user is not None and Role.ECT in p.row.roles]
    pairings_now: dict[int, Mentorship] = {}
    for start in range(0, len(ect_ids), 500):
        query = select(Mentorship).where(
            Mentorship.ect_id.in_(ect_ids[start : start + 500]), Mentorship.ended_on.is_(None)
        )
        pairings_now.update({p.ect_id: p for p in session.scalars(query)})
    for plan in plans:
        if plan.row.problems:
            plan.kind, plan.notes = RowKind.ERROR, list(plan.row.problems)
        elif plan.user is None:
            plan.kind = RowKind.NEW
        else:
            plan.notes = _changes(plan, pairings_now.get(plan.user.id))
            plan.kind = RowKind.CHANGED if plan.notes else RowKind.UNCHANGED
    return Preview(here, plans)


def preview_roster(session: Session, actor: User, school_id: int, data: bytes | str) -> Preview:
    """Read a roster file for a school the actor manages and say what applying it would do."""
    here = people_school(session, actor, school_id)
    text = decode(data) if isinstance(data, bytes) else data
    return plan_rows(session, actor, here, parse(text))


def _apply_person(session: Session, plan: PlannedRow) -> User:
    row, school = plan.row, plan.school
    assert school is not None
    user = plan.user or staff.new_person(session, row.email, row.name)
    if plan.user is not None and user.name != row.name:
        user.name = row.name
    staff.grant_roles(user, school.id, frozenset(row.roles), row.started_on)
    return user


def _audit_person(session: Session, actor: User, plan: PlannedRow, user: User) -> None:
    assert plan.school is not None
    listed = ", ".join(role.label.lower() for role in plan.roles)
    detail = (
        f"{user.name} <{user.email}> added as {listed} (roster file)"
        if plan.kind == RowKind.NEW
        else f"{user.name} (roster file): " + "; ".join(plan.notes)
    )
    action = AuditAction.ADD_PERSON if plan.kind == RowKind.NEW else AuditAction.CHANGE_PERSON
    auditlog.record(
        session, actor, action, subject_id=user.id, school_id=plan.school.id, detail=detail
    )


def apply_roster(
    session: Session, actor: User, school_id: int, text: str, *, filename: str = ""
) -> Applied:
    """Apply a roster file the actor confirmed, checked again from its text, in one
    transaction: people, their roles, ECTs' induction starts and pairings, one import event."""
    preview = preview_roster(session, actor, school_id, text)
    if preview.errors:
        raise InvalidInput(
            "The file now has errors (someone may have changed the school's people since the "
            "preview). Please upload it again to see them."
        )
    changing = [p for p in preview.rows if p.kind in (RowKind.NEW, RowKind.CHANGED)]
    if not changing:
        return Applied([], 0, 0, len(preview.rows))
    people = {p.row.email: _apply_person(session, p) for p in changing}
    session.flush()  # once for everyone: a flush a person is slow on a full file
    for plan in changing:
        _audit_person(session, actor, plan, people[plan.row.email])
    for plan in changing:
        row, school = plan.row, plan.school
        if Role.ECT not in row.roles or not row.mentor or school is None:
            continue
        mentor = people.get(row.mentor) or staff.find_by_email(session, row.mentor)
        lead = (
            (people.get(row.lead) or staff.find_by_email(session, row.lead)) if row.lead else None
        )
        assert mentor is not None
        details = staff.PersonDetails(
            name=row.name,
            roles=row.roles,
            induction_started_on=row.started_on,
            induction_year=row.year or 1,
            mentor_id=mentor.id,
            ect_lead_id=lead.id if lead else None,
        )
        staff.pair_ect(session, actor, school.id, people[row.email], details)
    added = preview.count(RowKind.NEW)
    changed = preview.count(RowKind.CHANGED)
    unchanged = preview.count(RowKind.UNCHANGED)
    auditlog.record(
        session,
        actor,
        AuditAction.IMPORT_ROSTER,
        school_id=school_id,
        detail=f"{filename or 'roster file'}: {added} new, {changed} changed, "
        f"{unchanged} unchanged",
    )
    new_ids = [people[p.row.email].id for p in changing if p.kind == RowKind.NEW]
    session.commit()
    return Applied(new_ids, added, changed, unchanged)
