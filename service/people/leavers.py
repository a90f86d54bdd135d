"""Leavers: deactivating a person's account, and reactivating it.

Deactivation is account-wide: the person can no longer sign in, every session of theirs ends at
once (a new session token), and their current pairings, as mentor or as ECT, end today. Their
clips stay, and the school's retention rules apply to them as ever. So it is for an admin, or
for a coordinator who manages every school the person works in; nobody deactivates themselves.
Reactivation lets them sign in again with no pairings restored. Both are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service import auditlog, policy, tokens
from service.errors import Forbidden, NotFound
from service.models import AuditAction, Clip, Membership, Mentorship, Role, School, User
from service.models.org import new_session_token
from service.people import pairings
from service.privacy.retention import school_today


@dataclass(frozen=True)
class Leaver:
    """A person as the leaver page shows them, and whether the user may change their account."""

    person: User
    schools: list[School]  # the person's schools, as they joined them
    managed_school_ids: list[int]  # those of them the user manages people of
    pairings: list[Mentorship]  # current, as mentor or as ECT
    clips: int
    refusal: str | None  # why the user may not (de)activate them; None: they may

    @property
    def ect_memberships(self) -> list[Membership]:
        return [m for m in self.person.memberships if m.role == Role.ECT and m.school is not None]


@dataclass(frozen=True)
class Change:
    person: User
    changed: bool  # False: they were already so
    ended: list[Mentorship]  # pairings ended by a deactivation


def _refusal(session: Session, user: User, person: User, managed: list[int]) -> str | None:
    if person.id == user.id:
        return (
            "You cannot deactivate or reactivate your own account: ask another induction "
            "coordinator or an admin."
        )
    if policy.is_admin(user):
        return None
    if person.has_role(Role.ADMIN) or person.trust_ids():
        return (
            f"{person.name} works across a whole trust or as an admin: only an admin can "
            "change their account."
        )
    elsewhere = [sid for sid in person.school_ids() if sid not in managed]
    if elsewhere:
        names = ", ".join(
            session.get(School, sid).name  # type: ignore[union-attr]
            for sid in elsewhere
        )
        return (
            f"{person.name} also works at {names}, which you do not manage, and an account "
            "is closed everywhere at once: ask an admin or your trust's induction coordinator."
        )
    return None


def current_pairings(session: Session, person_id: int) -> list[Mentorship]:
    """The person's current pairings, as mentor or as ECT."""
    query = (
        select(Mentorship)
        .where(
            or_(Mentorship.mentor_id == person_id, Mentorship.ect_id == person_id),
            Mentorship.ended_on.is_(None),
        )
        .order_by(Mentorship.started_on, Mentorship.id)
    )
    return list(session.scalars(query))


def leaver(session: Session, user: User, person_id: int) -> Leaver:
    """Return a person whose account the user may see to manage: 403 for teachers, 404 for
    someone in no school the user manages (admins see everyone)."""
    if not policy.can_manage_people(user):
        raise Forbidden("Only induction coordinators and admins manage people's accounts.")
    person = session.get(User, person_id)
    if person is None:
        raise NotFound("We could not find that person.")
    mine = set(policy.people_school_ids(session, user))
    managed = [sid for sid in person.school_ids() if sid in mine]
    if not managed and not policy.is_admin(user):
        raise NotFound("We could not find that person.")
    schools = [m.school for m in person.memberships if m.school is not None]
    unique = list({s.id: s for s in schools}.values())
    clips = session.scalar(select(func.count(Clip.id)).where(Clip.owner_id == person.id)) or 0
    return Leaver(
        person=person,
        schools=unique,
        managed_school_ids=managed,
        pairings=current_pairings(session, person.id),
        clips=clips,
        refusal=_refusal(session, user, person, managed),
    )


def _changeable(session: Session, user: User, person_id: int) -> Leaver:
    found = leaver(session, user, person_id)
    if found.refusal is not None:
        raise Forbidden(found.refusal)
    return found


def deactivate(
    session: Session,
    user: User | None,
    person_id: int,
    *,
    ip: str = "",
    now: datetime | None = None,
) -> Change:
    """Deactivate an account: no sign-in, every session ended, current pairings ended today.

    ``user`` None is the command line (an operator on the server), which may deactivate anyone.
    """
    if user is None:
        person = session.get(User, person_id)
        if person is None:
            raise NotFound("We could not find that account.")
    else:
        person = _changeable(session, user, person_id).person
    if not person.active:
        return Change(person, False, [])
    person.active = False
    person.session_token = new_session_token()  # every open session of theirs ends now
    revoked = tokens.revoke_all(session, person)  # and every API token of theirs
    ended = current_pairings(session, person.id)
    for pairing in ended:
        pairings.end_pairing(session, user, pairing, on=school_today(pairing.school, now))
    detail = f"{person.name} ({person.email}) deactivated: sessions ended"
    if revoked:
        detail += f"; API tokens revoked: {revoked}"
    if ended:
        detail += "; pairings ended: " + "; ".join(
            f"{p.ect.name} with {p.mentor.name}" for p in ended
        )
    auditlog.record(
        session, user, AuditAction.DEACTIVATE, subject_id=person.id, detail=detail, ip=ip
    )
    session.commit()
    return Change(person, True, ended)


def reactivate(session: Session, user: User, person_id: int, *, ip: str = "") -> Change:
    """Let a deactivated person sign in again; no pairings are restored."""
    person = _changeable(session, user, person_id).person
    if person.active:
        return Change(person, False, [])
    person.active = True
    auditlog.record(
        session,
        user,
        AuditAction.REACTIVATE,
        subject_id=person.id,
        detail=f"{person.name} ({person.email}) reactivated; no pairings restored",
        ip=ip,
    )
    session.commit()
    return Change(person, True, [])
