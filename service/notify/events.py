"""The events the use cases raise, one function each: who hears of it (never the person who
did it, and only people who may see what it is about), the words, the link, and a key that
makes raising it twice add nothing. Each is called by its use case before that use case
commits, so the notification is written with the event or not at all.

The words never carry a child's name or anything said in a lesson: a clip's title (the
teacher's own words), a person's name, a time in the clip, a date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import policy
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipShare,
    CoachingSession,
    Comment,
    ConsentRequest,
    Membership,
    Mentorship,
    Notification,
    Role,
    School,
    User,
)
from service.notify.raising import notify

WATCHED_KINDS = (ClipKind.LESSON, ClipKind.REHEARSAL)


def clip_link(clip_id: int, at_seconds: float | None = None) -> str:
    """Return the path of a clip's page, at a moment when one is given."""
    if at_seconds is None:
        return f"/clips/{clip_id}"
    return f"/clips/{clip_id}?t={round(at_seconds, 1):g}"


def coaching_link(ect_id: int, anchor: str) -> str:
    """Return the path of an ECT's coaching record, at a step or meeting."""
    return f"/coaching/ects/{ect_id}#{anchor}"


def clock(seconds: float) -> str:
    """Write a moment in a clip as m:ss (or h:mm:ss)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def current_mentors(session: Session, ect_id: int, school_id: int) -> list[User]:
    """Return the ECT's current mentors in a school."""
    query = (
        select(User)
        .join(Mentorship, Mentorship.mentor_id == User.id)
        .where(
            Mentorship.ect_id == ect_id,
            Mentorship.school_id == school_id,
            Mentorship.ended_on.is_(None),
        )
        .order_by(User.id)
    )
    return list(session.scalars(query))


def school_coordinators(session: Session, school_id: int) -> list[User]:
    """Return the coordinators of a school: its own, and its trust's."""
    school = session.get(School, school_id)
    scope = [Membership.school_id == school_id]
    if school is not None and school.trust_id is not None:
        scope.append(Membership.trust_id == school.trust_id)
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.COORDINATOR, or_(*scope))
        .distinct()
        .order_by(User.id)
    )
    return list(session.scalars(query))


def _others(people: Iterable[User], actor_id: int | None) -> list[User]:
    seen: set[int] = set()
    found = []
    for person in people:
        if person.id != actor_id and person.id not in seen and person.active:
            seen.add(person.id)
            found.append(person)
    return found


def _tell(
    session: Session,
    people: Iterable[User],
    may_see: Callable[[User], bool],
    kind: str,
    **fields: Any,
) -> list[Notification]:
    """Notify each of ``people`` whom ``may_see`` lets see what it is about; return the new."""
    raised = []
    for person in people:
        if may_see(person) and (found := notify(session, person.id, kind, **fields)):
            raised.append(found)
    return raised


def _quoted(title: str) -> str:
    return f"“{title[:120]}”"


def clip_ready(session: Session, clip: Clip) -> list[Notification]:
    """An ECT's lesson or rehearsal became ready to watch: tell their current mentors."""
    if clip.kind not in WATCHED_KINDS:
        return []
    what = "a rehearsal" if clip.kind == ClipKind.REHEARSAL else "a lesson"
    return _tell(
        session,
        _others(current_mentors(session, clip.owner_id, clip.school_id), clip.owner_id),
        lambda mentor: policy.can_view_clip(session, mentor, clip),
        "clip_uploaded",
        text=f"{clip.owner.name} uploaded {what}, {_quoted(clip.title)}: it is ready to watch.",
        link=clip_link(clip.id),
        dedupe_key=f"clip-ready:{clip.id}",
        clip_id=clip.id,
        ect_id=clip.owner_id,
    )


def comment_added(session: Session, comment: Comment) -> list[Notification]:
    """Feedback was left on a clip, or a reply in its thread: tell the other people in it.

    A comment on a clip goes to its owner (or, when the owner comments on their own clip, to
    their mentors); a reply goes to everyone else who wrote in the thread and the clip's owner.
    """
    session.flush()
    clip = comment.clip
    author = comment.author
    if comment.parent_id is None:
        kind = "feedback_posted"
        if author.id == clip.owner_id:
            people = current_mentors(session, clip.owner_id, clip.school_id)
        else:
            people = [clip.owner]
        text = (
            f"{author.name} left feedback on {_quoted(clip.title)} at {clock(comment.at_seconds)}."
        )
    else:
        kind = "reply_posted"
        parent = comment.parent or comment
        people = [
            clip.owner,
            parent.author,
            *(r.author for r in parent.replies if not r.is_deleted),
        ]
        text = f"{author.name} replied about {_quoted(clip.title)} at {clock(comment.at_seconds)}."
    return _tell(
        session,
        _others(people, author.id),
        lambda person: policy.can_read_feedback(session, person, clip),
        kind,
        text=text,
        link=clip_link(clip.id, comment.at_seconds),
        dedupe_key=f"comment:{comment.id}",
        clip_id=clip.id,
    )


def step_set(session: Session, step: ActionStep) -> list[Notification]:
    """A mentor set an ECT a new action step: tell the ECT."""
    session.flush()
    if step.ect_id == step.mentor_id:
        return []
    found = notify(
        session,
        step.ect_id,
        "step_set",
        text=f"{step.mentor.name} set your new action step: {_quoted(step.title)}.",
        link=coaching_link(step.ect_id, f"step-{step.id}"),
        dedupe_key=f"step:{step.id}",
        ect_id=step.ect_id,
    )
    return [found] if found else []


def meeting_recorded(session: Session, record: CoachingSession) -> list[Notification]:
    """A mentor recorded a coaching meeting: prompt the ECT for their reflection."""
    session.flush()
    if record.ect_id == record.mentor_id:
        return []
    found = notify(
        session,
        record.ect_id,
        "meeting_recorded",
        text=(
            f"{record.mentor.name} recorded your coaching meeting of "
            f"{record.held_on.day} {record.held_on:%B}: add your reflection."
        ),
        link=coaching_link(record.ect_id, f"session-{record.id}"),
        dedupe_key=f"meeting:{record.id}",
        ect_id=record.ect_id,
    )
    return [found] if found else []


def consent_requested(session: Session, request: ConsentRequest) -> list[Notification]:
    """A teacher asked for a clip's consent to be recorded: tell the school's coordinators."""
    session.flush()
    clip = session.get(Clip, request.clip_id)
    teacher = session.get(User, request.requested_by_id)
    if clip is None or teacher is None:
        return []
    return _tell(
        session,
        _others(school_coordinators(session, request.school_id), teacher.id),
        lambda coordinator: policy.can_record_consent(session, coordinator, clip),
        "consent_requested",
        text=f"{teacher.name} asks for consent to be recorded for {_quoted(clip.title)}.",
        link=f"/privacy/schools/{request.school_id}/consent",
        dedupe_key=f"consent-request:{request.id}",
        clip_id=clip.id,
    )


def share_granted(session: Session, share: ClipShare) -> list[Notification]:
    """A teacher lent a clip to a colleague: tell the colleague (once per share, not renewal)."""
    session.flush()
    clip = session.get(Clip, share.clip_id)
    owner = session.get(User, share.shared_by_id)
    if clip is None or owner is None or share.colleague_id == owner.id:
        return []
    until = share.expires_at
    found = notify(
        session,
        share.colleague_id,
        "share_granted",
        text=f"{owner.name} shared {_quoted(clip.title)} with you until {until.day} {until:%B}.",
        link=clip_link(clip.id),
        dedupe_key=f"share:{share.id}",
        clip_id=clip.id,
    )
    return [found] if found else []
