"""Who may see and do what: the one access policy every query and route goes through.

One package, split by area (rules: the route table; roles; clips; privacy; review;
induction); everything is imported from ``service.policy``.

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
- a model clip reaches an ECT through their step, or a school's teachers through its library,
  only when its consent state allows sharing, and only then may a mentor attach it to a step;
- every rule asks for the membership of the role it is about: being a reviewer in one school
  and a coordinator in another gives a coordinator's view of the second school only;
- the teacher whose lesson a highlight was cut from always sees the highlight;
- the owner of a clip and the owner's mentor may comment on it and cut highlights from it;
  others who may see it only read (a colleague it is lent to reads its feedback only when
  the ECT chose to include it);
- a comment's author alone may edit or delete it; the clip's owner alone marks feedback seen;
- a clip's owner alone renames it, changes its kind or step, and deletes it (not a coordinator,
  not an admin: retention deletes for the school);
- talk figures are the teacher's own, and the mentors they chose to share them with;
- a school's people (roster, pairings, invitations, leavers, roll-over) are managed by its
  coordinators and admins; schools and a trust's single sign-on by trust coordinators and
  admins (people.py).

Who can see a clip, by name, is worked out from these rules themselves (audience.py), so what
a teacher is told about their clip never drifts from them.

Anyone may see a clip they own. A clip a user may not see does not exist for them: the
routes answer 404, never 403, so its existence is not leaked.
"""

from __future__ import annotations

from service.policy.audience import (
    Audience,
    clip_audience,
)
from service.policy.clips import (
    UPLOAD_KINDS,
    can_attach_model,
    can_comment,
    can_cut_highlight,
    can_edit_comment,
    can_manage_clip,
    can_mark_seen,
    can_read_feedback,
    can_request_blur,
    can_upload,
    can_view_clip,
    can_view_coaching,
    clip_visibility,
    upload_kinds,
)
from service.policy.induction import (
    can_log_observation,
)
from service.policy.people import (
    can_manage_people,
    can_manage_schools,
    managed_trust_ids,
    manages_people_of,
    manages_school_record,
    people_school_ids,
)
from service.policy.privacy import (
    SHAREABLE_CONSENT,
    blur_pending,
    can_extend_retention,
    can_manage_privacy,
    can_manage_shares,
    can_record_consent,
    can_review_blur,
    can_share_clip,
    can_view_original,
    consent_allows_sharing,
    shared_with,
    video_withheld,
)
from service.policy.review import (
    can_assign_reviewers,
    can_reply_review,
    can_review_session,
    can_view_mentor_feedback,
    can_view_review_note,
    review_note_visibility,
    rubric_trust_ids,
)
from service.policy.roles import (
    audited_school_ids,
    can_audit,
    can_audit_trust,
    coordinates_school,
    is_admin,
    library_school_ids,
    mentor_school,
    mentors,
    reviewed_mentor_ids,
    reviews_ect,
    reviews_mentor,
    teaching_school_ids,
)
from service.policy.rules import (
    ENDPOINT_RULES,
    Action,
    rule_for,
)
from service.policy.talk import (
    can_share_talk,
    can_view_talk,
    can_view_talk_trends,
    talk_pairings,
)

__all__ = [
    "can_manage_people",
    "can_manage_schools",
    "managed_trust_ids",
    "manages_people_of",
    "manages_school_record",
    "people_school_ids",
    "Audience",
    "clip_audience",
    "can_share_talk",
    "can_view_talk",
    "can_view_talk_trends",
    "talk_pairings",
    "can_view_original",
    "blur_pending",
    "video_withheld",
    "can_request_blur",
    "can_review_blur",
    "can_record_consent",
    "consent_allows_sharing",
    "can_share_clip",
    "can_manage_shares",
    "shared_with",
    "can_manage_privacy",
    "can_extend_retention",
    "SHAREABLE_CONSENT",
    "Action",
    "ENDPOINT_RULES",
    "UPLOAD_KINDS",
    "audited_school_ids",
    "can_assign_reviewers",
    "can_attach_model",
    "can_audit",
    "can_audit_trust",
    "can_comment",
    "can_cut_highlight",
    "can_edit_comment",
    "can_log_observation",
    "can_manage_clip",
    "can_mark_seen",
    "can_read_feedback",
    "can_reply_review",
    "can_review_session",
    "can_upload",
    "can_view_clip",
    "can_view_coaching",
    "can_view_mentor_feedback",
    "can_view_review_note",
    "clip_visibility",
    "coordinates_school",
    "is_admin",
    "library_school_ids",
    "mentor_school",
    "mentors",
    "review_note_visibility",
    "reviewed_mentor_ids",
    "reviews_ect",
    "reviews_mentor",
    "teaching_school_ids",
    "rubric_trust_ids",
    "rule_for",
    "upload_kinds",
]
