"""What each route does, as far as access is concerned, and the table naming every route."""

from __future__ import annotations

import enum


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
    SHARE_CLIP = "share_clip"  # lend a clip to a colleague, revoke: its owner; viewers get 403
    MANAGE_CLIP = "manage_clip"  # rename, change kind or step, delete: the clip's owner alone;
    # others who may see it get 403, everyone else 404
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
    # Retention (service.privacy.retention):
    MANAGE_RETENTION = "manage_retention"  # like AUDIT_SCHOOL: the school's coordinators, admins
    EXTEND_RETENTION = "extend_retention"  # the clip's school's coordinators; viewers get 403
    # Children's privacy:
    REQUEST_BLUR = "request_blur"  # the owner and the owner's mentor; other viewers get 403
    VIEW_ORIGINAL = "view_original"  # the unblurred rendition, and a blurred one waiting for
    # the uploader's check: the uploader alone; others 404
    REVIEW_BLUR = "review_blur"  # check a blur, add or remove areas to blur, blur again, share:
    # the uploader alone; other viewers get 403
    # Children's privacy:
    MANAGE_PRIVACY = "manage_privacy"  # the school's coordinators (school or trust), admins;
    # other coordinators get 404, everyone else 403 (a school's settings, classes, register)
    RECORD_CONSENT = "record_consent"  # coordinators of the clip's school, admins; other
    # viewers of the clip get 403, everyone else 404
    # Talk analytics (service.talk.figures):
    VIEW_TALK = "view_talk"  # a clip's or ECT's figures: the teacher, and a mentor they shared
    # them with; everyone else 404
    SHARE_TALK = "share_talk"  # an ECT's choice to share with a mentor: ECTs; others get 403
    # People (service.people):
    MANAGE_PEOPLE = "manage_people"  # coordinators and admins; a school they do not manage
    # answers 404 (decided by the use case), everyone else 403
    MANAGE_SCHOOLS = "manage_schools"  # add and edit schools, a trust's single sign-on: trust
    # coordinators (their trust) and admins; others 403
    # Operations:
    ADMIN_ONLY = "admin_only"  # admins (the queue dashboard); others get 403


# Every endpoint of the web app must be named here; one that is not is refused (fail closed),
# and the access-matrix test fails until a rule is added.
ENDPOINT_RULES: dict[str, Action] = {
    "static": Action.PUBLIC,
    "auth.login": Action.PUBLIC,
    "auth.logout": Action.SIGNED_IN,
    "auth.password": Action.SIGNED_IN,
    # Choosing a password through an emailed link, and asking for a reset link: the token in
    # the link decides (service.people.tokens); a bad one answers a page saying so.
    "auth.welcome": Action.PUBLIC,
    "auth.forgot": Action.PUBLIC,
    "auth.reset": Action.PUBLIC,
    # Signing in with a trust's Microsoft or Google accounts: an unknown or switched-off
    # provider answers 404 (service.people.sign_in.provider_for_sign_in).
    "auth.sso_start": Action.PUBLIC,
    "auth.sso_callback": Action.PUBLIC,
    "main.health": Action.PUBLIC,
    "main.index": Action.SIGNED_IN,
    "clips.index": Action.SIGNED_IN,
    "clips.upload": Action.UPLOAD_CLIP,
    # Resumable uploads: a session is its owner's alone; anyone else's answers 404.
    "uploads.tus_create": Action.UPLOAD_CLIP,
    "uploads.tus_upload": Action.UPLOAD_CLIP,
    "clips.watch": Action.VIEW_CLIP,
    "clips.status": Action.VIEW_CLIP,
    "clips.edit_clip": Action.MANAGE_CLIP,
    "clips.confirm_delete": Action.MANAGE_CLIP,
    "clips.delete_clip": Action.MANAGE_CLIP,
    "clips.video": Action.VIEW_CLIP,
    "clips.poster": Action.VIEW_CLIP,
    "clips.stream": Action.VIEW_CLIP,
    "clips.comments": Action.VIEW_CLIP,
    "clips.add_comment": Action.COMMENT_ON_CLIP,
    # Cutting a highlight: the same two who comment (policy.can_cut_highlight).
    "clips.cut_highlight": Action.COMMENT_ON_CLIP,
    "clips.reply_comment": Action.COMMENT_ON_CLIP,
    "clips.edit_comment": Action.EDIT_COMMENT,
    "clips.delete_comment": Action.EDIT_COMMENT,
    "clips.mark_seen": Action.MARK_SEEN,
    "clips.share_clip": Action.SHARE_CLIP,
    "clips.revoke_share": Action.SHARE_CLIP,
    "clips.transcript": Action.VIEW_CLIP,
    "clips.captions": Action.VIEW_CLIP,
    "clips.transcript_download": Action.VIEW_CLIP,
    "clips.original": Action.VIEW_ORIGINAL,
    "clips.request_blur": Action.REQUEST_BLUR,
    "clips.blur_candidate": Action.VIEW_ORIGINAL,
    "clips.add_blur_region": Action.REVIEW_BLUR,
    "clips.remove_blur_region": Action.REVIEW_BLUR,
    "clips.blur_again": Action.REVIEW_BLUR,
    "clips.confirm_blur": Action.REVIEW_BLUR,
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
    "privacy.settings": Action.MANAGE_PRIVACY,
    "privacy.save_settings": Action.MANAGE_PRIVACY,
    "privacy.classes": Action.MANAGE_PRIVACY,
    "privacy.consent_register": Action.MANAGE_PRIVACY,
    "privacy.record_consent": Action.RECORD_CONSENT,
    # Asking for consent: the clip's teacher asks (as sharing it); its coordinators close it.
    "privacy.ask_consent": Action.SHARE_CLIP,
    "privacy.close_consent_request": Action.RECORD_CONSENT,
    "audit.log": Action.AUDIT,
    "retention.school": Action.MANAGE_RETENTION,
    "retention.record_completion": Action.MANAGE_RETENTION,
    "retention.extend": Action.EXTEND_RETENTION,
    "talk.trends": Action.VIEW_TALK,
    "talk.clip": Action.VIEW_TALK,
    "talk.share": Action.SHARE_TALK,
    "people.invite": Action.MANAGE_PEOPLE,  # send an invitation (again)
    # Notifications: each person's own (the use case shows only what they may still see).
    "notify.centre": Action.SIGNED_IN,
    "notify.open_one": Action.SIGNED_IN,  # another person's notification answers 404
    "notify.mark_all": Action.SIGNED_IN,
    "notify.preferences": Action.SIGNED_IN,
    # An email's unsubscribe link: its signed token decides; it only turns that email off.
    "notify.unsubscribe": Action.PUBLIC,
    # The outbox: every email's record, and the .eml files written when no SMTP_URL is set.
    "admin.outbox": Action.ADMIN_ONLY,
    "admin.outbox_file": Action.ADMIN_ONLY,
    # People: the list of schools and the template file are for any coordinator (their own
    # schools); a school's pages answer 404 to a coordinator who does not manage it.
    "people.index": Action.AUDIT,
    "people.roster_template": Action.AUDIT,
    "people.school": Action.MANAGE_PEOPLE,
    "people.new_person": Action.MANAGE_PEOPLE,
    "people.edit_person": Action.MANAGE_PEOPLE,
    "people.import_roster": Action.MANAGE_PEOPLE,
    "people.new_school": Action.MANAGE_SCHOOLS,
    "people.edit_school": Action.MANAGE_SCHOOLS,
    "people.sign_in": Action.MANAGE_SCHOOLS,  # a trust's single sign-on
    # Pairings, leavers and the roll-over: the use case answers 404 for a school (or a person,
    # or a pairing) the coordinator does not manage; deactivating someone who also works in a
    # school the coordinator does not manage answers 403.
    "people.pairings": Action.MANAGE_PEOPLE,
    "people.end_pairing": Action.MANAGE_PEOPLE,
    "people.leaver": Action.MANAGE_PEOPLE,
    "people.deactivate": Action.MANAGE_PEOPLE,
    "people.reactivate": Action.MANAGE_PEOPLE,
    "people.rollover": Action.MANAGE_PEOPLE,
    # Personal access tokens: a person's own (another's answers 404, from the use case).
    "tokens.index": Action.SIGNED_IN,
    "tokens.revoke": Action.SIGNED_IN,
    # The documented API (web.api): each operation answers as the page it mirrors; a token
    # acts as its person. The OpenAPI document and its reference page are public.
    "api-docs.openapi_json": Action.PUBLIC,
    "api_reference.page": Action.PUBLIC,
    "api.list_clips": Action.SIGNED_IN,
    "api.get_clip": Action.VIEW_CLIP,
    "api.clip_status": Action.VIEW_CLIP,
    "api.clip_transcript": Action.VIEW_CLIP,
    "api.list_comments": Action.VIEW_CLIP,
    "api.add_comment": Action.COMMENT_ON_CLIP,
    "api.reply_comment": Action.COMMENT_ON_CLIP,
    "api.cut_highlight": Action.COMMENT_ON_CLIP,
    "api.list_steps": Action.VIEW_COACHING,
    "api.get_step": Action.VIEW_COACHING,
    "api.school_rows": Action.AUDIT_SCHOOL,
    "api.audit_events": Action.AUDIT,
    # Resumable uploads through the API: the pages' tus views, with the same rules.
    "api_uploads.tus_create": Action.UPLOAD_CLIP,
    "api_uploads.tus_upload": Action.UPLOAD_CLIP,
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


def rule_for(endpoint: str | None) -> Action | None:
    """Return the rule for an endpoint, or None when it has none (and must be refused)."""
    return ENDPOINT_RULES.get(endpoint or "")
