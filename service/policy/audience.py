"""Who can see a clip, person by person, exactly as clip_visibility decides it.

The words a clip's owner reads ("Only you, your mentor ... can see this clip") are built from
here, so they cannot drift from the rule: everyone who might see the clip (anyone with a role
in its school or trust, its owner's mentors and their reviewers, colleagues it was lent to,
ECTs whose step it models, the teacher of the lesson a highlight was cut from, admins) is put
through clip_visibility itself, and only those it lets in are named, each under the relation
that explains why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import literal, or_, select, union_all
from sqlalchemy.orm import Session

from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipShare,
    HighlightCut,
    Membership,
    Mentorship,
    ReviewerAssignment,
    Role,
    School,
    User,
)
from service.policy.clips import clip_visibility

# SQLite allows 500 SELECTs in one compound statement; stay well below.
_CHUNK = 100


@dataclass(frozen=True)
class Audience:
    """Everyone who can see one clip, grouped by why; nobody is in two groups."""

    clip: Clip
    owner: User | None  # None when the owner cannot see it (an account that was deactivated)
    mentors: list[User] = field(default_factory=list)  # the owner's current mentors
    reviewers: list[User] = field(default_factory=list)  # who reviews those mentors (or owner)
    coordinators: list[User] = field(default_factory=list)  # the school's or trust's
    colleagues: list[User] = field(default_factory=list)  # lent it by a share still running
    teachers: list[User] = field(default_factory=list)  # a model clip: in the library, a step
    admins: list[User] = field(default_factory=list)
    others: list[User] = field(default_factory=list)  # anyone else the rule lets in

    def people(self) -> set[int]:
        """Return the ids of everyone who can see the clip."""
        groups = (
            self.mentors,
            self.reviewers,
            self.coordinators,
            self.colleagues,
            self.teachers,
            self.admins,
            self.others,
        )
        ids = {user.id for group in groups for user in group}
        return ids | ({self.owner.id} if self.owner is not None else set())

    def sentence(self) -> str:
        """Say, to the clip's owner, who can see it."""
        whose = "your" if self.clip.kind == ClipKind.MODEL else "your mentor's"
        parts = ["you"] if self.owner is not None else []
        if self.mentors:
            parts.append(f"your {_plural('mentor', self.mentors)} {names(self.mentors)}")
        if self.reviewers:
            verb = "reviews" if len(self.reviewers) == 1 else "review"
            parts.append(f"{names(self.reviewers)} (who {verb} {whose} coaching)")
        if self.coordinators:
            label = _plural("induction coordinator", self.coordinators)
            parts.append(f"your {label} {names(self.coordinators)}")
        if self.colleagues:
            parts.append(f"{names(self.colleagues)} (you shared it with them)")
        if self.teachers:
            parts.append(_teachers(self.teachers, self.clip))
        if self.others:
            parts.append(names(self.others))
        if self.admins:
            parts.append("Coachreel's administrators")
        if parts == ["you"]:
            return "Only you can see this clip."
        return f"Only {_and(parts, ', and ' if len(parts) > 2 else ' and ')} can see this clip."


def names(people: Sequence[User]) -> str:
    """Join people's names: "A", "A and B", "A, B and C"."""
    return _and([person.name for person in people], " and ")


def _and(items: list[str], last: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def _plural(word: str, people: Sequence[User]) -> str:
    return word if len(people) == 1 else word + "s"


def _teachers(teachers: list[User], clip: Clip) -> str:
    where = clip.school.name if clip.school is not None else "your school"
    if len(teachers) > 5:
        return f"{len(teachers)} teachers at {where} (it is in the model library or on their step)"
    return f"{names(teachers)} (teachers at {where})"


def _candidates(session: Session, clip: Clip) -> list[User]:
    """Everyone the rule might let see the clip: a superset, put through the rule next."""
    trust_id = session.scalar(select(School.trust_id).where(School.id == clip.school_id))
    member = or_(Membership.school_id == clip.school_id, Membership.role == Role.ADMIN)
    if trust_id is not None:
        member = or_(member, Membership.trust_id == trust_id)
    mentors = select(Mentorship.mentor_id).where(Mentorship.ect_id == clip.owner_id)
    reviewers = select(ReviewerAssignment.reviewer_id).where(
        or_(
            ReviewerAssignment.mentor_id.in_(mentors),
            ReviewerAssignment.mentor_id == clip.owner_id,
        )
    )
    query = select(User).where(
        User.active.is_(True),
        or_(
            User.id == clip.owner_id,
            User.id.in_(select(Membership.user_id).where(member)),
            User.id.in_(mentors),
            User.id.in_(reviewers),
            User.id.in_(select(ClipShare.colleague_id).where(ClipShare.clip_id == clip.id)),
            User.id.in_(select(ActionStep.ect_id).where(ActionStep.model_clip_id == clip.id)),
            User.id.in_(
                select(HighlightCut.source_owner_id).where(HighlightCut.clip_id == clip.id)
            ),
        ),
    )
    return list(session.scalars(query.order_by(User.name, User.id)))


def _who_sees(session: Session, clip: Clip, people: list[User]) -> set[int]:
    """Return the ids of those people whom clip_visibility lets see the clip."""
    seeing: set[int] = set()
    for start in range(0, len(people), _CHUNK):
        parts = [
            select(literal(person.id).label("id")).where(
                Clip.id == clip.id, clip_visibility(person)
            )
            for person in people[start : start + _CHUNK]
        ]
        query = parts[0] if len(parts) == 1 else union_all(*parts)
        seeing.update(session.scalars(query))
    return seeing


def clip_audience(session: Session, clip: Clip) -> Audience:
    """Return everyone who can see the clip, grouped by why, names in alphabetical order."""
    candidates = _candidates(session, clip)
    seeing = _who_sees(session, clip, candidates)
    people = [person for person in candidates if person.id in seeing]
    mentor_ids = set(
        session.scalars(
            select(Mentorship.mentor_id).where(
                Mentorship.ect_id == clip.owner_id,
                Mentorship.school_id == clip.school_id,
                Mentorship.ended_on.is_(None),
            )
        )
    )
    reviewed = mentor_ids | ({clip.owner_id} if clip.kind == ClipKind.MODEL else set())
    reviewer_ids = set(
        session.scalars(
            select(ReviewerAssignment.reviewer_id).where(
                ReviewerAssignment.mentor_id.in_(reviewed), ReviewerAssignment.ended_at.is_(None)
            )
        )
    )
    colleague_ids = set(
        session.scalars(select(ClipShare.colleague_id).where(ClipShare.clip_id == clip.id))
    )
    trust_id = clip.school.trust_id if clip.school is not None else None
    names_of_groups = ("mentors", "reviewers", "coordinators", "colleagues", "teachers")
    groups: dict[str, list[User]] = {name: [] for name in (*names_of_groups, "admins", "others")}
    owner = None
    for person in people:
        if person.id == clip.owner_id:
            owner = person
        elif person.id in mentor_ids:
            groups["mentors"].append(person)
        elif person.id in reviewer_ids:
            groups["reviewers"].append(person)
        elif clip.school_id in person.school_ids(Role.COORDINATOR) or (
            trust_id is not None and trust_id in person.trust_ids(Role.COORDINATOR)
        ):
            groups["coordinators"].append(person)
        elif person.id in colleague_ids and clip.kind != ClipKind.MODEL:
            groups["colleagues"].append(person)
        elif clip.kind == ClipKind.MODEL and clip.school_id in person.school_ids():
            groups["teachers"].append(person)
        elif person.has_role(Role.ADMIN):
            groups["admins"].append(person)
        else:
            groups["others"].append(person)
    return Audience(
        clip=clip,
        owner=owner,
        mentors=groups["mentors"],
        reviewers=groups["reviewers"],
        coordinators=groups["coordinators"],
        colleagues=groups["colleagues"],
        teachers=groups["teachers"],
        admins=groups["admins"],
        others=groups["others"],
    )
