"""Who may see and do what: the one access policy every query and route goes through.

Rules, in words:
- an ECT sees the clips they uploaded;
- a mentor sees the clips of the ECTs they currently mentor, in the school of the pairing;
- a coordinator sees every clip of their school, or of every school in their trust;
- an admin sees everything;
- a reviewer sees the clips, steps and session records of the ECTs of the mentors they are
  assigned to review, and those mentors' model clips; never a clip outside that;
- a reviewer's note is seen by the reviewer, the mentor it is about, the coordinators of the
  school and admins; never by the ECT (for whom it does not exist: 404);
- the queue dashboard (every queued, running and failed job) is for admins only;
- the induction audit (dashboards, evidence packs, exports, term dates, the audit log) belongs
  to coordinators, for their school or trust, and admins;
- the owner of a clip and the owner's mentor may comment on it; others who may see it only read;
- a comment's author alone may edit or delete it; the clip's owner alone marks feedback seen.

Anyone may see a clip they own. A clip a user may not see does not exist for them: the
routes answer 404, never 403, so its existence is not leaked.
"""

from __future__ import annotations

import enum

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    CoachingSession,
    Comment,
    Mentorship,
    ReviewerAssignment,
    ReviewNote,
    Role,
    School,
    User,
)


class Action(enum.StrEnum):
    """What a route does, as far as access is concerned."""

    PUBLIC = "public"  # no sign-in needed: the sign-in page, static files, health
    SIGNED_IN = "signed_in"  # any signed-in user; the page shows only what policy allows
    UPLOAD_CLIP = "upload_clip"
    VIEW_CLIP = "view_clip"
    COMMENT_ON_CLIP = "comment_on_clip"  # also replying; the owner and the owner's mentor
    # Decided per comment by the use case; others who may see the clip get 403:
    EDIT_COMMENT = "edit_comment"  # edit or delete: the comment's author only
    MARK_SEEN = "mark_seen"  # mark feedback seen: the clip's owner only
    # The coaching cycle, decided per ECT, step, clip or session by the use case:
    VIEW_COACHING = "view_coaching"  # the ECT, their mentor, coordinators, admins; others 404
    MANAGE_STEPS = "manage_steps"  # the ECT's mentor; others who may view get 403
    TICK_CRITERIA = "tick_criteria"  # the rehearsing ECT's mentor; others who may view get 403
    REFLECT = "reflect"  # the ECT on their own session record; others who may view get 403
    MENTOR_ONLY = "mentor_only"  # any mentor (e.g. adding to the school's step library)
    SHARE_MODEL = "share_model"  # the mentor who recorded a model clip; viewers get 403
    # Coaching on coaching:
    REVIEW = "review"  # reviewer pages (the queue); others get 403
    REVIEW_SESSION = "review_session"  # the session's mentor's reviewer; coaching viewers 403
    VIEW_REVIEW_NOTE = "view_review_note"  # its reviewer, its mentor, coordinators, admins; 404
    REPLY_REVIEW = "reply_review"  # the note's mentor and reviewer; other viewers get 403
    VIEW_MENTOR_FEEDBACK = "view_mentor_feedback"  # the mentor, their reviewers, coordinators
    ASSIGN_REVIEWERS = "assign_reviewers"  # coordinators and admins; others get 403
    MANAGE_RUBRIC = "manage_rubric"  # a trust's coordinators and admins; others get 403
    # The induction audit:
    AUDIT = "audit"  # coordinators and admins (their own scope); others get 403
    AUDIT_TRUST = "audit_trust"  # the trust's coordinators and admins; others get 403
    AUDIT_SCHOOL = "audit_school"  # the school's coordinators (school or trust), admins;
    # other coordinators get 404, everyone else 403
    AUDIT_ECT = "audit_ect"  # coordinators of the ECT's school, admins; coaching viewers 403
    LOG_OBSERVATION = "log_observation"  # the ECT's mentor, coordinators; coaching viewers 403
    # Operations:
    ADMIN_ONLY = "admin_only"  # admins (the queue dashboard); others get 403


# Every endpoint of the web app must be named here; one that is not is refused (fail closed),
# and the access-matrix test fails until a rule is added.
ENDPOINT_RULES: dict[str, Action] = {
    "static": Action.PUBLIC,
    "auth.login": Action.PUBLIC,
    "auth.logout": Action.SIGNED_IN,
    "main.health": Action.PUBLIC,
    "main.index": Action.SIGNED_IN,
    "clips.index": Action.SIGNED_IN,
    "clips.upload": Action.UPLOAD_CLIP,
    # Resumable uploads: a session is its owner's alone; anyone else's answers 404.
    "uploads.tus_create": Action.UPLOAD_CLIP,
    "uploads.tus_upload": Action.UPLOAD_CLIP,
    "clips.watch": Action.VIEW_CLIP,
    "clips.status": Action.VIEW_CLIP,
    "clips.video": Action.VIEW_CLIP,
    "clips.poster": Action.VIEW_CLIP,
    "clips.comments": Action.VIEW_CLIP,
    "clips.add_comment": Action.COMMENT_ON_CLIP,
    "clips.reply_comment": Action.COMMENT_ON_CLIP,
    "clips.edit_comment": Action.EDIT_COMMENT,
    "clips.delete_comment": Action.EDIT_COMMENT,
    "clips.mark_seen": Action.MARK_SEEN,
    "clips.transcript": Action.VIEW_CLIP,
    "clips.captions": Action.VIEW_CLIP,
    "clips.transcript_download": Action.VIEW_CLIP,
    "search.index": Action.SIGNED_IN,
    "coaching.home": Action.SIGNED_IN,
    "coaching.ect": Action.VIEW_COACHING,
    "coaching.new_step": Action.MANAGE_STEPS,
    "coaching.edit_step": Action.MANAGE_STEPS,
    "coaching.close_step": Action.MANAGE_STEPS,
    "coaching.repeat_step": Action.MANAGE_STEPS,
    "coaching.new_session": Action.MANAGE_STEPS,
    "coaching.reflect": Action.REFLECT,
    "coaching.library": Action.SIGNED_IN,
    "coaching.save_template": Action.MENTOR_ONLY,
    "coaching.models": Action.SIGNED_IN,
    "coaching.share_model": Action.SHARE_MODEL,
    "coaching.rehearsal": Action.VIEW_CLIP,
    "coaching.tick": Action.TICK_CRITERIA,
    "review.queue": Action.REVIEW,
    "review.session": Action.REVIEW_SESSION,
    "review.add_note": Action.REVIEW_SESSION,
    "review.mark_reviewed": Action.REVIEW_SESSION,
    "review.note": Action.VIEW_REVIEW_NOTE,
    "review.reply": Action.REPLY_REVIEW,
    "review.mine": Action.MENTOR_ONLY,
    "review.mentor": Action.VIEW_MENTOR_FEEDBACK,
    "review.assignments": Action.ASSIGN_REVIEWERS,
    "review.end_assignment": Action.ASSIGN_REVIEWERS,
    "review.rubric": Action.MANAGE_RUBRIC,
    "induction.home": Action.AUDIT,
    "induction.trust": Action.AUDIT_TRUST,
    "induction.school": Action.AUDIT_SCHOOL,
    "induction.school_csv": Action.AUDIT_SCHOOL,
    "induction.charts": Action.AUDIT_SCHOOL,
    "induction.terms": Action.AUDIT_SCHOOL,
    "induction.cadence": Action.AUDIT_SCHOOL,  # decided by the pairing's school
    "induction.evidence": Action.AUDIT_ECT,
    "induction.evidence_csv": Action.AUDIT_ECT,
    "induction.log_observation": Action.LOG_OBSERVATION,
    "audit.log": Action.AUDIT,
    # The queue dashboard (rq-dashboard, mounted at /admin/queues): job descriptions name clips.
    **{
        f"rq_dashboard.{name}": Action.ADMIN_ONLY
        for name in (
            "static",
            "favicon",
            "queues_overview",
            "workers_overview",
            "jobs_overview",
            "job_view",
            "delete_job_view",
            "requeue_job_view",
            "requeue_all",
            "empty_queue",
            "compact_queue",
            "list_queues",
            "list_jobs",
            "job_info",
            "list_workers",
        )
    },
}

# Which kinds of clip each role may upload.
UPLOAD_KINDS: dict[Role, tuple[ClipKind, ...]] = {
    Role.ECT: (ClipKind.LESSON, ClipKind.REHEARSAL),
    Role.MENTOR: (ClipKind.MODEL,),
}


def rule_for(endpoint: str | None) -> Action | None:
    """Return the rule for an endpoint, or None when it has none (and must be refused)."""
    return ENDPOINT_RULES.get(endpoint or "")


def is_admin(user: User) -> bool:
    """Say whether the user is an active admin."""
    return user.is_active and user.has_role(Role.ADMIN)


def upload_kinds(user: User) -> tuple[ClipKind, ...]:
    """Return the kinds of clip the user may upload (empty if none)."""
    kinds: list[ClipKind] = []
    for role in user.roles:
        kinds.extend(k for k in UPLOAD_KINDS.get(role, ()) if k not in kinds)
    return tuple(kinds)


def can_upload(user: User) -> bool:
    """Say whether the user may upload clips at all."""
    return bool(upload_kinds(user))


def _mentors_owner(user: User) -> ColumnElement[bool]:
    return exists(
        select(Mentorship.id).where(
            Mentorship.mentor_id == user.id,
            Mentorship.ect_id == Clip.owner_id,
            Mentorship.school_id == Clip.school_id,
            Mentorship.ended_on.is_(None),
        )
    )


def clip_visibility(user: User) -> ColumnElement[bool]:
    """Return a WHERE clause selecting exactly the clips the user may see."""
    if not user.is_active:
        return false()
    if user.has_role(Role.ADMIN):
        return true()
    conditions: list[ColumnElement[bool]] = [Clip.owner_id == user.id]
    if user.has_role(Role.MENTOR):
        conditions.append(_mentors_owner(user))
    school_ids = [
        m.school_id
        for m in user.memberships
        if m.role == Role.COORDINATOR and m.school_id is not None
    ]
    trust_ids = [
        m.trust_id
        for m in user.memberships
        if m.role == Role.COORDINATOR and m.trust_id is not None
    ]
    if school_ids:
        conditions.append(Clip.school_id.in_(school_ids))
    if trust_ids:
        conditions.append(
            Clip.school_id.in_(select(School.id).where(School.trust_id.in_(trust_ids)))
        )
    # Model clips show a mentor teaching, not pupils' lessons: one its owner shared is visible
    # across the school, and one attached to an ECT's step is visible to that ECT.
    member_schools = [m.school_id for m in user.memberships if m.school_id is not None]
    if member_schools:
        conditions.append(
            and_(
                Clip.kind == ClipKind.MODEL,
                Clip.shareable.is_(True),
                Clip.school_id.in_(member_schools),
            )
        )
    if user.has_role(Role.ECT):
        attached = select(ActionStep.model_clip_id).where(ActionStep.ect_id == user.id)
        conditions.append(and_(Clip.kind == ClipKind.MODEL, Clip.id.in_(attached)))
    if user.has_role(Role.REVIEWER):
        reviewed = _reviewed_mentor_ids(user)
        conditions.append(
            exists(
                select(Mentorship.id).where(
                    Mentorship.mentor_id.in_(reviewed),
                    Mentorship.ect_id == Clip.owner_id,
                    Mentorship.school_id == Clip.school_id,
                    Mentorship.ended_on.is_(None),
                )
            )
        )
        conditions.append(and_(Clip.kind == ClipKind.MODEL, Clip.owner_id.in_(reviewed)))
    return or_(*conditions)


def _reviewed_mentor_ids(user: User):  # noqa: ANN202 - a scalar subquery
    return select(ReviewerAssignment.mentor_id).where(
        ReviewerAssignment.reviewer_id == user.id, ReviewerAssignment.ended_at.is_(None)
    )


def can_view_clip(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may see this clip."""
    query = select(Clip.id).where(and_(Clip.id == clip.id, clip_visibility(user)))
    return session.scalar(query) is not None


def can_comment(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may add feedback to this clip (its owner and the owner's mentor)."""
    if not user.is_active:
        return False
    if clip.owner_id == user.id:
        return True
    if not user.has_role(Role.MENTOR):
        return False
    query = select(Clip.id).where(Clip.id == clip.id, _mentors_owner(user))
    return session.scalar(query) is not None


def can_edit_comment(user: User, comment: Comment) -> bool:
    """Say whether the user may edit or delete this comment (its author only)."""
    return user.is_active and comment.author_id == user.id


def can_mark_seen(user: User, clip: Clip) -> bool:
    """Say whether the user may mark feedback on this clip as seen (the clip's owner only)."""
    return user.is_active and clip.owner_id == user.id


def member_school_ids(session: Session, user: User) -> list[int]:
    """Return the schools the user belongs to (a trust coordinator: every school of the trust)."""
    ids = {m.school_id for m in user.memberships if m.school_id is not None}
    trust_ids = [m.trust_id for m in user.memberships if m.trust_id is not None]
    if trust_ids:
        ids.update(session.scalars(select(School.id).where(School.trust_id.in_(trust_ids))))
    return sorted(ids)


def mentor_school(user: User) -> int | None:
    """Return the school in which the user is a mentor, if any."""
    return next((m.school_id for m in user.memberships if m.role == Role.MENTOR), None)


def can_view_coaching(session: Session, user: User, ect: User) -> bool:
    """Say whether the user may see an ECT's steps and session records.

    The ECT themselves, their current mentor, that mentor's reviewer, a coordinator of their
    school or trust, and an admin.
    """
    if not user.is_active:
        return False
    if user.has_role(Role.ADMIN) or user.id == ect.id and user.has_role(Role.ECT):
        return True
    ect_schools = {m.school_id for m in ect.memberships if m.role == Role.ECT}
    if not ect_schools:
        return False
    if mentors(session, user, ect.id):
        return True
    if user.has_role(Role.REVIEWER) and reviews_ect(session, user, ect.id):
        return True
    if user.has_role(Role.COORDINATOR):
        return bool(ect_schools & set(member_school_ids(session, user)))
    return False


def mentors(session: Session, user: User, ect_id: int) -> bool:
    """Say whether the user is this ECT's current mentor."""
    if not user.is_active or not user.has_role(Role.MENTOR):
        return False
    pairing = session.scalar(
        select(Mentorship.id).where(
            Mentorship.mentor_id == user.id,
            Mentorship.ect_id == ect_id,
            Mentorship.ended_on.is_(None),
        )
    )
    return pairing is not None


def can_attach_model(mentor: User, clip: Clip) -> bool:
    """Say whether a mentor may attach this model clip to a step: their own, or shared in school."""
    if clip.owner_id == mentor.id:
        return True
    school = mentor_school(mentor)
    return clip.shareable and school is not None and clip.school_id == school


# --- coaching on coaching ---------------------------------------------------------------------


def reviews_mentor(session: Session, user: User, mentor_id: int) -> bool:
    """Say whether the user is currently assigned to review this mentor's coaching."""
    if not user.is_active or not user.has_role(Role.REVIEWER):
        return False
    query = select(ReviewerAssignment.id).where(
        ReviewerAssignment.reviewer_id == user.id,
        ReviewerAssignment.mentor_id == mentor_id,
        ReviewerAssignment.ended_at.is_(None),
    )
    return session.scalar(query) is not None


def reviews_ect(session: Session, user: User, ect_id: int) -> bool:
    """Say whether the user reviews the coaching of this ECT's current mentor."""
    if not user.is_active or not user.has_role(Role.REVIEWER):
        return False
    query = select(Mentorship.id).where(
        Mentorship.ect_id == ect_id,
        Mentorship.ended_on.is_(None),
        Mentorship.mentor_id.in_(_reviewed_mentor_ids(user)),
    )
    return session.scalar(query) is not None


def can_review_session(session: Session, user: User, record: CoachingSession) -> bool:
    """Say whether the user may annotate this session record (its mentor's reviewer)."""
    return reviews_mentor(session, user, record.mentor_id) and reviews_ect(
        session, user, record.ect_id
    )


def can_view_review_note(session: Session, user: User, note: ReviewNote) -> bool:
    """Say whether the user may read a reviewer's note. Never the ECT it concerns."""
    query = select(ReviewNote.id).where(
        ReviewNote.id == note.id, review_note_visibility(session, user)
    )
    return session.scalar(query) is not None


def review_note_visibility(session: Session, user: User) -> ColumnElement[bool]:
    """Return a WHERE clause selecting exactly the review notes the user may read.

    The same rule as can_view_review_note, for lists: never the ECT a note concerns.
    """
    if not user.is_active:
        return false()
    own = and_(
        or_(ReviewNote.reviewer_id == user.id, ReviewNote.mentor_id == user.id),
        ReviewNote.ect_id != user.id,
    )
    return or_(own, ReviewNote.school_id.in_(audited_school_ids(session, user)))


def can_reply_review(user: User, note: ReviewNote) -> bool:
    """Say whether the user may reply under a review note (its mentor and its reviewer)."""
    return user.is_active and user.id in (note.reviewer_id, note.mentor_id)


def can_view_mentor_feedback(session: Session, user: User, mentor: User) -> bool:
    """Say whether the user may see the feedback on a mentor's coaching."""
    if not user.is_active or not mentor.has_role(Role.MENTOR):
        return False
    if user.id == mentor.id or reviews_mentor(session, user, mentor.id):
        return True
    schools = {m.school_id for m in mentor.memberships if m.role == Role.MENTOR}
    return any(coordinates_school(session, user, school_id) for school_id in schools)


def can_assign_reviewers(user: User) -> bool:
    """Say whether the user may assign reviewers to mentors (coordinators and admins)."""
    return user.is_active and (user.has_role(Role.ADMIN) or user.has_role(Role.COORDINATOR))


def rubric_trust_ids(user: User) -> list[int] | None:
    """Return the trusts whose rubric the user may edit (None: every trust, for admins)."""
    if not user.is_active:
        return []
    if user.has_role(Role.ADMIN):
        return None
    return sorted(
        m.trust_id
        for m in user.memberships
        if m.role == Role.COORDINATOR and m.trust_id is not None
    )


# --- the induction audit ----------------------------------------------------------------------


def audited_school_ids(session: Session, user: User) -> list[int]:
    """Return the schools whose induction record the user may audit (coordinators, admins)."""
    if not user.is_active:
        return []
    if user.has_role(Role.ADMIN):
        return list(session.scalars(select(School.id).order_by(School.id)))
    ids = {
        m.school_id
        for m in user.memberships
        if m.role == Role.COORDINATOR and m.school_id is not None
    }
    trust_ids = [m.trust_id for m in user.memberships if m.role == Role.COORDINATOR and m.trust_id]
    if trust_ids:
        ids.update(session.scalars(select(School.id).where(School.trust_id.in_(trust_ids))))
    return sorted(ids)


def can_audit(user: User) -> bool:
    """Say whether the user audits induction anywhere (coordinators and admins)."""
    return user.is_active and (user.has_role(Role.ADMIN) or user.has_role(Role.COORDINATOR))


def coordinates_school(session: Session, user: User, school_id: int) -> bool:
    """Say whether the user coordinates induction in this school (or is an admin)."""
    if not user.is_active:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return school_id in audited_school_ids(session, user)


def can_audit_trust(user: User, trust_id: int) -> bool:
    """Say whether the user may see a whole trust's roll-up (its coordinators, admins)."""
    if not user.is_active:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return any(m.role == Role.COORDINATOR and m.trust_id == trust_id for m in user.memberships)


def can_log_observation(session: Session, user: User, ect: User) -> bool:
    """Say whether the user may log an observation of this ECT (their mentor, coordinators)."""
    if mentors(session, user, ect.id):
        return True
    schools = {m.school_id for m in ect.memberships if m.role == Role.ECT}
    return any(coordinates_school(session, user, school_id) for school_id in schools)
