"""Sharing the teacher controls: an ECT lends one of their clips to a named colleague.

A share names one clip, one colleague of the clip's school and an end; the ECT may revoke it
sooner. While it runs the colleague sees that clip's page, video, captions and transcript
(service.policy.clip_visibility ORs the share in) and nothing else of the ECT; the mentor's
feedback on the clip goes with it only when the ECT chooses so (off unless they do). There are no
links that work for anyone else: a share is a row naming a person, never a token in a URL.
Creating, renewing and revoking a share change who may see a clip of pupils, so each goes in
the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    AuditAction,
    Clip,
    ClipKind,
    ClipShare,
    ClipStatus,
    Membership,
    Mentorship,
    Role,
    User,
    utcnow,
)
from service.notify import events

DEFAULT_DAYS = 7
MAX_DAYS = 28  # four weeks: long enough for a peer observation cycle, short enough to lapse
# The periods the share form offers, in days.
PERIODS: tuple[tuple[int, str], ...] = (
    (1, "1 day"),
    (7, "1 week"),
    (14, "2 weeks"),
    (28, "4 weeks"),
)
# Ended shares stay listed to the owner this long, so a revoke or a lapse is visible.
RECENT = timedelta(days=14)
# Who may be lent a clip. A colleague is a fellow teacher of the school: its ECTs and mentors
# (a coaching pair, a peer observation). Reviewers are left out: they are teacher educators
# from outside the school whose view of an ECT's clips is set by their assignment to a mentor,
# and a share must not widen coaching on coaching. Coordinators and admins already see every
# clip of the school, so a share would add nothing.
COLLEAGUE_ROLES = (Role.ECT, Role.MENTOR)

CONSENT_MESSAGE = (
    "Only clips whose consent record allows it can be shared: ask your induction coordinator "
    "to record consent."
)
NOT_A_COLLEAGUE = "Please choose a colleague from your school to share this clip with."
FAILED_MESSAGE = (
    "This clip could not be prepared, so there is nothing to share: upload the file again."
)


@dataclass(frozen=True)
class SharePanel:
    """What the watch page says about sharing a clip to the person viewing it."""

    manage: bool = False  # the owner: list, create and revoke shares
    can_share: bool = False  # the owner may create a share now
    refusal: str = ""  # why the owner may not, when they may not
    shares: list[ClipShare] = field(default_factory=list)  # running and recently ended
    colleagues: list[User] = field(default_factory=list)  # the picker's choices
    received: ClipShare | None = None  # the share through which this viewer sees the clip
    feedback: bool = True  # whether this viewer may read the clip's feedback
    periods: tuple[tuple[int, str], ...] = PERIODS
    default_days: int = DEFAULT_DAYS
    now: datetime = field(default_factory=utcnow)

    def running(self, share: ClipShare) -> bool:
        """Say whether a listed share still lends the clip."""
        return is_running(share, self.now)


@dataclass(frozen=True)
class LentClip:
    """A clip lent to the viewer, and the share lending it."""

    clip: Clip
    share: ClipShare


def is_running(share: ClipShare, now: datetime | None = None) -> bool:
    """Say whether a share still lends its clip (not revoked, not yet expired)."""
    return share.revoked_at is None and share.expires_at > (now or utcnow())


def share_clip(
    session: Session,
    owner: User,
    clip_id: int,
    colleague_id: int,
    days: int = DEFAULT_DAYS,
    ip: str = "",
    *,
    include_feedback: bool = False,
    now: datetime | None = None,
) -> ClipShare:
    """Lend the owner's clip to a colleague for ``days`` days; renew a share still running.

    The feedback on the clip goes with it only when ``include_feedback`` is true; renewing a
    share sets that choice afresh.
    """
    now = now or utcnow()
    clip = _managed_clip(session, owner, clip_id)
    _check_shareable(owner, clip)
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"Please choose how long to share the clip: 1 to {MAX_DAYS} days.")
    colleague = _colleague(session, owner, clip, colleague_id)
    expires = now + timedelta(days=days)
    share = _running_share(session, clip.id, colleague.id, now)
    if share is not None:
        # One running share per colleague: sharing again sets its end to the period just
        # chosen, counted from now, rather than lending the clip twice.
        share.expires_at = expires
        share.includes_feedback = include_feedback
        verb = "renewed the share of"
    else:
        if _sees_through_role(session, colleague, clip):
            raise InvalidInput(_already_sees(session, colleague, clip))
        share = ClipShare(
            clip_id=clip.id,
            shared_by_id=owner.id,
            colleague_id=colleague.id,
            created_at=now,
            expires_at=expires,
            includes_feedback=include_feedback,
        )
        session.add(share)
        verb = "shared"
    auditlog.record(
        session,
        owner,
        AuditAction.SHARE_CLIP,
        clip_id=clip.id,
        subject_id=colleague.id,
        school_id=clip.school_id,
        detail=(
            f"{verb} {clip.title} with {colleague.name} until {expires:%Y-%m-%d %H:%M} UTC, "
            f"{'with' if include_feedback else 'without'} its feedback"
        ),
        ip=ip,
    )
    events.share_granted(session, share)
    session.commit()
    return share


def revoke_share(
    session: Session,
    owner: User,
    share_id: int,
    ip: str = "",
    *,
    clip_id: int | None = None,
    now: datetime | None = None,
) -> ClipShare:
    """End a share now; revoking one already revoked changes nothing."""
    now = now or utcnow()
    share = session.get(ClipShare, share_id)
    if share is None or (clip_id is not None and share.clip_id != clip_id):
        if clip_id is not None:
            _managed_clip(session, owner, clip_id)  # 404 or 403 for the clip first
        raise NotFound("We could not find that share. It may already have been removed.")
    clip = _managed_clip(session, owner, share.clip_id)
    if share.revoked_at is not None:
        return share
    share.revoked_at = now
    auditlog.record(
        session,
        owner,
        AuditAction.REVOKE_SHARE,
        clip_id=clip.id,
        subject_id=share.colleague_id,
        school_id=clip.school_id,
        detail=f"revoked the share of {clip.title} with {share.colleague.name}",
        ip=ip,
    )
    session.commit()
    return share


def shares_of(
    session: Session, owner: User, clip_id: int, now: datetime | None = None
) -> list[ClipShare]:
    """List a clip's running shares, then those ended in the last two weeks (for its owner)."""
    now = now or utcnow()
    clip = _managed_clip(session, owner, clip_id)
    query = select(ClipShare).where(
        ClipShare.clip_id == clip.id,
        or_(ClipShare.expires_at > now - RECENT, ClipShare.revoked_at > now - RECENT),
    )
    rows = list(session.scalars(query))
    recent = [s for s in rows if is_running(s, now) or _ended_at(s) > now - RECENT]
    return sorted(recent, key=lambda s: (not is_running(s, now), s.expires_at, s.id))


def shared_with_me(session: Session, user: User, now: datetime | None = None) -> list[LentClip]:
    """List the clips lent to this user by running shares, the soonest to end first."""
    now = now or utcnow()
    if not user.is_active:
        return []
    query = (
        select(Clip, ClipShare)
        .join(ClipShare, ClipShare.clip_id == Clip.id)
        .where(
            ClipShare.colleague_id == user.id,
            ClipShare.revoked_at.is_(None),
            ClipShare.expires_at > now,
            Clip.consent_state.in_(policy.SHAREABLE_CONSENT),
        )
        .order_by(ClipShare.expires_at, ClipShare.id)
    )
    return [LentClip(clip, share) for clip, share in session.execute(query)]


def colleagues(session: Session, owner: User, clip: Clip) -> list[User]:
    """List who the owner may lend this clip to, by name: the school's teachers who cannot
    already see it (a colleague with a running share stays listed, to renew it)."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.school_id == clip.school_id,
            Membership.role.in_(COLLEAGUE_ROLES),
            User.active.is_(True),
            User.id != owner.id,
        )
        .distinct()
    )
    people = [u for u in session.scalars(query) if not _sees_through_role(session, u, clip)]
    return sorted(people, key=lambda u: (u.name.casefold(), u.id))


def received_share(
    session: Session, user: User, clip: Clip, now: datetime | None = None
) -> ClipShare | None:
    """Return the running share lending this clip to the user, if they see it through one."""
    now = now or utcnow()
    if not policy.consent_allows_sharing(clip):
        return None
    query = (
        select(ClipShare)
        .where(
            ClipShare.clip_id == clip.id,
            ClipShare.colleague_id == user.id,
            ClipShare.revoked_at.is_(None),
            ClipShare.expires_at > now,
        )
        .order_by(ClipShare.expires_at.desc())
    )
    return session.scalars(query).first()


def share_panel(
    session: Session, user: User, clip: Clip, now: datetime | None = None
) -> SharePanel:
    """Say what the watch page shows this viewer about sharing this (visible) clip."""
    now = now or utcnow()
    if not _offers_sharing(user, clip):
        return SharePanel(
            received=received_share(session, user, clip, now),
            feedback=policy.can_read_feedback(session, user, clip),
            now=now,
        )
    try:
        _check_shareable(user, clip)
    except Forbidden as refusal:
        return SharePanel(
            manage=True,
            refusal=refusal.message,
            shares=shares_of(session, user, clip.id, now),
            now=now,
        )
    return SharePanel(
        manage=True,
        can_share=True,
        shares=shares_of(session, user, clip.id, now),
        colleagues=colleagues(session, user, clip),
        now=now,
    )


def _offers_sharing(user: User, clip: Clip) -> bool:
    # Model clips have the school's library instead; only lessons and rehearsals are lent, and
    # never a clip that failed to process (nobody could watch it).
    return (
        policy.can_manage_shares(user, clip)
        and clip.kind in (ClipKind.LESSON, ClipKind.REHEARSAL)
        and clip.status != ClipStatus.FAILED
    )


def _managed_clip(session: Session, owner: User, clip_id: int) -> Clip:
    clip = get_visible_clip(session, owner, clip_id)
    if not policy.can_manage_shares(owner, clip):
        raise Forbidden("Only the teacher who recorded this clip can share it.")
    return clip


def _check_shareable(owner: User, clip: Clip) -> None:
    if clip.status == ClipStatus.FAILED:
        raise InvalidInput(FAILED_MESSAGE)
    if policy.can_share_clip(owner, clip):
        return
    if not _offers_sharing(owner, clip) or not owner.has_role(Role.ECT):
        raise Forbidden("Only an ECT's own lessons and rehearsals can be shared with a colleague.")
    raise Forbidden(CONSENT_MESSAGE)


def _colleague(session: Session, owner: User, clip: Clip, colleague_id: int) -> User:
    if colleague_id == owner.id:
        raise InvalidInput("This is your own clip: please choose a colleague to share it with.")
    colleague = session.get(User, colleague_id)
    # One message for a stranger, a user of another school and one who has left, so the form
    # tells nobody who exists elsewhere.
    if colleague is None or not colleague.is_active:
        raise InvalidInput(NOT_A_COLLEAGUE)
    roles = {m.role for m in colleague.memberships if m.school_id == clip.school_id}
    if not roles:
        raise InvalidInput(NOT_A_COLLEAGUE)
    if not roles & set(COLLEAGUE_ROLES):
        if _sees_through_role(session, colleague, clip):
            raise InvalidInput(_already_sees(session, colleague, clip))
        raise InvalidInput("Clips can be shared with the ECTs and mentors of your school only.")
    return colleague


def _running_share(
    session: Session, clip_id: int, colleague_id: int, now: datetime
) -> ClipShare | None:
    query = (
        select(ClipShare)
        .where(
            ClipShare.clip_id == clip_id,
            ClipShare.colleague_id == colleague_id,
            ClipShare.revoked_at.is_(None),
            ClipShare.expires_at > now,
        )
        .order_by(ClipShare.expires_at.desc())
    )
    return session.scalars(query).first()


def _sees_through_role(session: Session, user: User, clip: Clip) -> bool:
    query = select(Clip.id).where(Clip.id == clip.id, policy.clip_visibility(user, shares=False))
    return session.scalar(query) is not None


def _already_sees(session: Session, colleague: User, clip: Clip) -> str:
    mentors_owner = session.scalar(
        select(Mentorship.id).where(
            Mentorship.mentor_id == colleague.id,
            Mentorship.ect_id == clip.owner_id,
            Mentorship.ended_on.is_(None),
        )
    )
    why = "as your mentor" if mentors_owner is not None else "through their role"
    return f"{colleague.name} can already see this clip {why}, so there is no need to share it."


def _ended_at(share: ClipShare) -> datetime:
    if share.revoked_at is not None and share.revoked_at < share.expires_at:
        return share.revoked_at
    return share.expires_at
