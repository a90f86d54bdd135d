"""Who may use each route: the cases of the access matrix, what each should get, and one
request per route (tests/web/test_access_matrix.py sends them)."""

from __future__ import annotations

from datetime import date, timedelta

from service import policy

A = Action = policy.Action
OWNER = "ect1@northfield.example"

CASES = {
    "anonymous": None,
    "ECT, owner": OWNER,
    "ECT, same school": "ect2@northfield.example",
    "ECT, other school": "ect1@riverside.example",
    "mentor of the owner": "mentor1@northfield.example",
    "mentor, same school": "mentor2@northfield.example",
    "mentor, other school": "mentor1@riverside.example",
    "coordinator, same school": "coordinator@northfield.example",
    "coordinator, other school": "coordinator@riverside.example",
    "coordinator, whole trust": "induction-lead@northfield-trust.example",
    "reviewer, same school": "reviewer@northfield.example",
    "reviewer, other school": "reviewer@riverside.example",
    "admin": "admin@coachreel.example",
}
# People with two roles in two schools ("here": the owner's school; "elsewhere": the other),
# made by test_access_matrix's two_role_people: each role counts only in its own school.
COORDINATOR_REVIEWER = "coordinator elsewhere, reviewer here"  # reviews nobody here
MENTOR_COORDINATOR = "mentor here, coordinator elsewhere"  # mentors nobody
TWO_ROLES = {
    COORDINATOR_REVIEWER: "coordinator-reviewer@coachreel.example",
    MENTOR_COORDINATOR: "mentor-coordinator@coachreel.example",
}
CASES.update(TWO_ROLES)
ECTS = {"ECT, owner", "ECT, same school", "ECT, other school"}
MENTORS = {"mentor of the owner", "mentor, same school", "mentor, other school", MENTOR_COORDINATOR}
REVIEWERS = {"reviewer, same school", "reviewer, other school", COORDINATOR_REVIEWER}
COORDINATORS = {
    "coordinator, same school",
    "coordinator, other school",
    "coordinator, whole trust",
    COORDINATOR_REVIEWER,
    MENTOR_COORDINATOR,
}
# The demo assigns each school's reviewer to that school's mentors.
OWNERS_REVIEWER = "reviewer, same school"
SEES_CLIP = {
    "ECT, owner",
    "mentor of the owner",
    OWNERS_REVIEWER,
    "coordinator, same school",
    "coordinator, whole trust",
    "admin",
}
COMMENTS = {"ECT, owner", "mentor of the owner"}
# The owner's steps and meetings; the model clip attached to their step and its rehearsal.
SEES_COACHING = SEES_CLIP
AUTHOR = "mentor of the owner"  # wrote the comment the matrix edits, deletes and marks seen
# Who audits the owner's school (and the trust it belongs to).
AUDITS_SCHOOL = {"coordinator, same school", "coordinator, whole trust", "admin"}


def expected(case: str, action: Action, ok: int) -> int:
    """What a user in ``case`` should get from a route guarded by ``action``."""
    if action == A.PUBLIC:
        return ok
    if case == "anonymous":
        return 302  # sent to the sign-in page (JSON routes answer 401, see below)
    if action == A.SIGNED_IN:
        return ok
    if action == A.UPLOAD_CLIP:
        return ok if case in ECTS or case in MENTORS else 403  # mentors upload model clips
    if action == A.VIEW_CLIP:
        return ok if case in SEES_CLIP else 404
    if action == A.COMMENT_ON_CLIP:
        if case in COMMENTS:
            return ok
        return 403 if case in SEES_CLIP else 404
    if action == A.VIEW_COACHING:
        return ok if case in SEES_COACHING else 404
    if action in (A.MANAGE_STEPS, A.TICK_CRITERIA, A.REFLECT, A.SHARE_MODEL):
        # The ECT's mentor (who also recorded the model clip); the ECT reflects.
        if case == ("ECT, owner" if action == A.REFLECT else "mentor of the owner"):
            return ok
        return 403 if case in SEES_COACHING else 404
    if action == A.MENTOR_ONLY:
        return ok if case in MENTORS else 403
    if action == A.REVIEW:
        return ok if case in REVIEWERS else 403
    if action == A.REVIEW_SESSION:  # a session record of the owner's mentor
        if case == OWNERS_REVIEWER:
            return ok
        return 403 if case in SEES_COACHING else 404
    if action == A.VIEW_REVIEW_NOTE:  # the reviewer's note on the owner's mentor: never the ECT
        return ok if case in AUDITS_SCHOOL | {OWNERS_REVIEWER, "mentor of the owner"} else 404
    if action == A.REPLY_REVIEW:
        if case in (OWNERS_REVIEWER, "mentor of the owner"):
            return ok
        return 403 if case in AUDITS_SCHOOL else 404
    if action == A.VIEW_MENTOR_FEEDBACK:  # the owner's mentor's "feedback on my coaching"
        return ok if case in AUDITS_SCHOOL | {OWNERS_REVIEWER, "mentor of the owner"} else 404
    if action in (A.ASSIGN_REVIEWERS, A.AUDIT):
        return ok if case in COORDINATORS | {"admin"} else 403
    if action in (A.MANAGE_RUBRIC, A.AUDIT_TRUST):  # the owner's trust
        return ok if case in ("coordinator, whole trust", "admin") else 403
    if action == A.AUDIT_SCHOOL:  # the owner's school
        if case in AUDITS_SCHOOL:
            return ok
        return 404 if case in COORDINATORS else 403
    if action in (A.AUDIT_ECT, A.LOG_OBSERVATION):  # the owner's induction record
        if case in AUDITS_SCHOOL or (action == A.LOG_OBSERVATION and case == "mentor of the owner"):
            return ok
        return 403 if case in SEES_COACHING else 404
    if action == A.MANAGE_PRIVACY:  # the owner's school's privacy settings and register
        if case in AUDITS_SCHOOL:
            return ok
        return 404 if case in COORDINATORS else 403
    if action == A.RECORD_CONSENT:  # the consent record of the owner's clip
        if case in AUDITS_SCHOOL:
            return ok
        return 403 if case in SEES_CLIP else 404
    if action in (A.EDIT_COMMENT, A.MARK_SEEN):
        if case == (AUTHOR if action == A.EDIT_COMMENT else "ECT, owner"):
            return ok
        return 403 if case in SEES_CLIP else 404
    if action == A.MANAGE_CLIP:  # the owner's lesson: renamed, re-filed, deleted by them alone
        if case == "ECT, owner":
            return ok
        return 403 if case in SEES_CLIP else 404
    if action == A.SHARE_CLIP:  # the owner's lesson, lent to a colleague outside the cases
        if case == "ECT, owner":
            return ok
        return 403 if case in SEES_CLIP else 404
    if action == A.REQUEST_BLUR:
        if case in COMMENTS:
            return ok
        return 403 if case in SEES_CLIP else 404
    if action == A.VIEW_ORIGINAL:
        return ok if case == "ECT, owner" else 404
    if action == A.REVIEW_BLUR:  # the owner's clip whose blur waits for their check
        if case == "ECT, owner":
            return ok
        return 403 if case in SEES_CLIP else 404
    if action == A.ADMIN_ONLY:
        return ok if case == "admin" else 403
    if action == A.MANAGE_PEOPLE:  # the owner's school's people, as AUDIT_SCHOOL
        if case in AUDITS_SCHOOL:
            return ok
        return 404 if case in COORDINATORS else 403
    if action == A.MANAGE_SCHOOLS:  # the owner's school and trust: the trust's coordinators
        return ok if case in ("coordinator, whole trust", "admin") else 403
    if action == A.MANAGE_RETENTION:  # the owner's school, as AUDIT_SCHOOL
        if case in AUDITS_SCHOOL:
            return ok
        return 404 if case in COORDINATORS else 403
    if action == A.EXTEND_RETENTION:  # the owner's clip
        if case in AUDITS_SCHOOL:
            return ok
        return 403 if case in SEES_CLIP else 404
    if action == A.VIEW_TALK:  # the owner's talk figures, shared with their mentor
        return ok if case in {"ECT, owner", "mentor of the owner"} else 404
    if action == A.SHARE_TALK:  # the owner's pairing with their mentor
        if case == "ECT, owner":
            return ok
        return 404 if case in ECTS else 403
    raise AssertionError(f"no expectation for {action}")


# How to call each endpoint, and what success looks like. A new endpoint needs a row.
REQUESTS = {
    "static": ("GET", {"filename": "app.css"}, None, 200),
    "auth.login": ("GET", {}, None, 200),
    "auth.logout": ("POST", {}, "csrf", 302),
    "auth.password": ("GET", {}, None, 200),
    # Links from emails, with a token that is not valid: their page says so (400), not 500.
    "auth.welcome": ("GET", {"token": "not-a-token"}, None, 400),
    "auth.forgot": ("GET", {}, None, 200),
    "auth.reset": ("GET", {"token": "not-a-token"}, None, 400),
    # No trust in the demo signs in with Microsoft or Google: a provider that does not exist
    # answers 404 to everyone, signed in or not (tests/web/test_oidc*.py sign in for real).
    "auth.sso_start": ("GET", {"provider_id": 999999}, None, 404),
    "auth.sso_callback": ("GET", {"provider_id": 999999}, None, 404),
    "main.health": ("GET", {}, None, 200),
    "main.index": ("GET", {}, None, 302),
    "clips.index": ("GET", {}, None, 200),
    "clips.upload": ("POST", {}, "upload", 201),
    "uploads.tus_create": ("POST", {}, "tus-create", 201),
    # HEAD on the owner's resumable upload: other uploaders get 404 (see the loop).
    "uploads.tus_upload": ("HEAD", {"token": "UPLOAD"}, "tus", 200),
    "clips.watch": ("GET", {"clip_id": "CLIP"}, None, 200),
    "clips.status": ("GET", {"clip_id": "CLIP"}, None, 200),
    # The owner's pages to change and delete a clip; the delete itself is of a failed upload
    # of theirs (DOOMED_CLIP), gone for the owner afterwards.
    "clips.edit_clip": ("GET", {"clip_id": "CLIP"}, None, 200),
    "clips.confirm_delete": ("GET", {"clip_id": "DOOMED_CLIP"}, None, 200),
    "clips.delete_clip": ("POST", {"clip_id": "DOOMED_CLIP"}, "csrf", 200),
    "clips.video": ("GET", {"clip_id": "CLIP"}, None, 200),
    "clips.poster": ("GET", {"clip_id": "CLIP"}, None, 200),
    # Its stream's master playlist (the matrix clip has one); segments: test_stream_routes.py.
    "clips.stream": ("GET", {"clip_id": "CLIP", "name": "master.m3u8"}, None, 200),
    "clips.comments": ("GET", {"clip_id": "CLIP"}, None, 200),
    "clips.add_comment": ("POST", {"clip_id": "CLIP"}, "comment", 201),
    "clips.reply_comment": ("POST", {"clip_id": "CLIP", "comment_id": "COMMENT"}, "reply", 201),
    "clips.cut_highlight": (
        "POST",
        {"clip_id": "CLIP"},
        {"start": "0:05", "end": "0:10", "title": "A moment", "kind": "highlight"},
        201,
    ),
    "clips.edit_comment": ("POST", {"clip_id": "CLIP", "comment_id": "COMMENT"}, "reply", 200),
    "clips.mark_seen": ("POST", {"clip_id": "CLIP", "comment_id": "COMMENT"}, "csrf", 200),
    # A clip the owner has lent to a colleague outside the cases (SHARED_CLIP, SHARE): sharing
    # it again with that colleague renews the share; then the share is revoked.
    "clips.share_clip": (
        "POST",
        {"clip_id": "SHARED_CLIP"},
        {"colleague": "COLLEAGUE", "days": "14"},
        201,
    ),
    "clips.revoke_share": ("POST", {"clip_id": "SHARED_CLIP", "share_id": "SHARE"}, "csrf", 200),
    # Last of the comment rows: the comment is gone afterwards.
    "clips.delete_comment": ("POST", {"clip_id": "CLIP", "comment_id": "COMMENT"}, "csrf", 200),
    "clips.transcript": ("GET", {"clip_id": "CLIP"}, None, 200),
    "clips.captions": ("GET", {"clip_id": "CLIP"}, None, 200),
    "clips.transcript_download": ("GET", {"clip_id": "CLIP", "fmt": "txt"}, None, 200),
    "clips.original": ("GET", {"clip_id": "CLIP"}, None, 200),
    # The clip's video is withheld from others afterwards: no video rows below this one.
    "clips.request_blur": ("POST", {"clip_id": "CLIP"}, "csrf", 202),
    # The owner's clip whose blur waits for their check (REVIEW_CLIP), with an area to blur
    # (REGION): watched, an area added and one removed, shared, then blurred again.
    "clips.blur_candidate": ("GET", {"clip_id": "REVIEW_CLIP"}, None, 200),
    "clips.add_blur_region": (
        "POST",
        {"clip_id": "REVIEW_CLIP"},
        {"from": "0:01", "to": "0:04", "x0": "0.2", "y0": "0.1", "x1": "0.5", "y1": "0.5"},
        201,
    ),
    "clips.remove_blur_region": (
        "POST",
        {"clip_id": "REVIEW_CLIP", "region_id": "REGION"},
        "csrf",
        200,
    ),
    "clips.confirm_blur": ("POST", {"clip_id": "REVIEW_CLIP"}, "csrf", 200),
    "clips.blur_again": ("POST", {"clip_id": "REVIEW_CLIP"}, "csrf", 202),
    "search.index": ("GET", {"q": "starter"}, None, 200),
    "coaching.home": ("GET", {}, None, 200),
    "coaching.ect": ("GET", {"ect_id": "ECT"}, None, 200),
    "coaching.new_step": ("GET", {"ect_id": "ECT"}, None, 200),
    "coaching.edit_step": ("GET", {"step_id": "STEP"}, None, 200),
    "coaching.close_step": ("POST", {"step_id": "STEP"}, {"outcome": "met"}, 200),
    "coaching.repeat_step": ("POST", {"step_id": "STEP2"}, "csrf", 201),
    "coaching.new_session": ("GET", {"ect_id": "ECT"}, None, 200),
    "coaching.reflect": ("POST", {"session_id": "SESSION"}, {"reflection": "I will…"}, 200),
    "coaching.library": ("GET", {"q": "circulate"}, None, 200),
    "coaching.save_template": (
        "POST",
        {},
        {
            "title": "Wait for 100%",
            "criteria": "Same signal",
            "strand": "behaviour",
            "standard": "1",
        },
        201,
    ),
    "coaching.models": ("GET", {}, None, 200),
    "coaching.share_model": ("POST", {"clip_id": "MODEL"}, {"shareable": "1"}, 200),
    "coaching.rehearsal": ("GET", {"clip_id": "REHEARSAL"}, None, 200),
    "coaching.tick": ("POST", {"clip_id": "REHEARSAL", "criterion": 0}, {"met": "1"}, 200),
    "review.queue": ("GET", {}, None, 200),
    "review.session": ("GET", {"session_id": "SESSION"}, None, 200),
    "review.add_note": (
        "POST",
        {"session_id": "SESSION"},
        {"target": "session", "rubric_item": "RUBRIC_ITEM", "verdict": "strength", "body": "Yes"},
        201,
    ),
    "review.mark_reviewed": ("POST", {"session_id": "SESSION"}, "csrf", 200),
    "review.note": ("GET", {"note_id": "NOTE"}, None, 200),
    "review.reply": ("POST", {"note_id": "NOTE"}, "reply", 201),
    "review.mine": ("GET", {}, None, 302),
    "review.mentor": ("GET", {"mentor_id": "MENTOR"}, None, 200),
    "review.assignments": ("GET", {}, None, 200),
    "review.rubric": ("GET", {}, None, 200),
    # Last of the review rows: the extra assignment has ended afterwards.
    "review.end_assignment": ("POST", {"assignment_id": "ASSIGNMENT"}, "csrf", 200),
    "audit.log": ("GET", {}, None, 200),
    "induction.home": ("GET", {}, None, 302),
    "induction.trust": ("GET", {"trust_id": "TRUST"}, None, 200),
    "induction.school": ("GET", {"school_id": "SCHOOL", "sort": "-wait"}, None, 200),
    "induction.school_csv": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "induction.charts": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "induction.terms": ("GET", {"school_id": "SCHOOL", "year": 2026}, None, 200),
    "induction.cadence": (
        "POST",
        {"mentorship_id": "PAIRING"},
        {"induction_year": "1", "cadence_days": "7"},
        200,
    ),
    "induction.evidence": ("GET", {"ect_id": "ECT"}, None, 200),
    "induction.evidence_csv": ("GET", {"ect_id": "ECT"}, None, 200),
    "induction.log_observation": ("GET", {"ect_id": "ECT"}, None, 200),
    "privacy.settings": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "privacy.save_settings": (
        "POST",
        {"school_id": "SCHOOL"},
        {"original_retention_days": "30", "clip_retention_days": "90"},
        200,
    ),
    "privacy.classes": ("POST", {"school_id": "SCHOOL"}, {"add": "9X2 maths"}, 201),
    "privacy.consent_register": (
        "GET",
        {"school_id": "SCHOOL", "state": "not_recorded"},
        None,
        200,
    ),
    # The owner asks consent to be recorded for the matrix clip; a coordinator marks the
    # owner's earlier request (on another clip) done.
    "privacy.ask_consent": ("POST", {"clip_id": "CLIP"}, {"message": "Forms are in"}, 201),
    "privacy.close_consent_request": ("POST", {"request_id": "CONSENT_ASK"}, "csrf", 200),
    "privacy.record_consent": (
        "POST",
        {"clip_id": "CLIP"},
        {"lawful_basis": "public_task", "consent_state": "all_consented", "recorded_by": "Jo"},
        200,
    ),
    # The queue dashboard, on a failed job (JOB) in the process queue.
    "rq_dashboard.static": ("GET", {"filename": "css/main.css"}, None, 200),
    "rq_dashboard.favicon": ("GET", {}, None, 200),
    "rq_dashboard.queues_overview": ("GET", {}, None, 200),
    "rq_dashboard.workers_overview": ("GET", {"instance_number": 0}, None, 200),
    "rq_dashboard.jobs_overview": ("GET", {"instance_number": 0}, None, 200),
    "rq_dashboard.job_view": ("GET", {"instance_number": 0, "job_id": "JOB"}, None, 200),
    "rq_dashboard.list_queues": ("GET", {"instance_number": 0}, None, 200),
    "rq_dashboard.list_jobs": (
        "GET",
        {
            "instance_number": 0,
            "queue_name": "process",
            "registry_name": "failed",
            "per_page": 8,
            "order": "asc",
            "page": 1,
        },
        None,
        200,
    ),
    "rq_dashboard.job_info": ("GET", {"instance_number": 0, "job_id": "JOB"}, None, 200),
    "rq_dashboard.list_workers": ("GET", {"instance_number": 0}, None, 200),
    "rq_dashboard.requeue_job_view": ("POST", {"job_id": "JOB"}, "csrf", 200),
    "rq_dashboard.requeue_all": ("POST", {"queue_name": "process"}, "csrf", 200),
    "rq_dashboard.compact_queue": ("POST", {"queue_name": "process"}, "csrf", 200),
    "rq_dashboard.empty_queue": (
        "POST",
        {"queue_name": "process", "registry_name": "finished"},
        "csrf",
        200,
    ),
    # Last of the dashboard rows: the job is gone afterwards.
    "rq_dashboard.delete_job_view": ("POST", {"job_id": "JOB"}, "csrf", 200),
    "retention.school": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "retention.extend": (
        "POST",
        {"clip_id": "CLIP"},
        {"until": (date.today() + timedelta(days=200)).isoformat(), "reason": "An appeal"},
        200,
    ),
    "retention.record_completion": (
        "POST",
        {"school_id": "SCHOOL", "ect_id": "ECT"},
        {"completed_on": "2026-07-17"},
        200,
    ),
    "talk.trends": ("GET", {"ect_id": "ECT"}, None, 200),
    # Talk figures: the owner shares them with their mentor (PAIRING) before the matrix runs.
    "talk.clip": ("GET", {"clip_id": "CLIP"}, None, 200),
    "talk.share": ("POST", {"mentorship_id": "PAIRING"}, {"shared": "y"}, 200),
    # The owner's invitation sent again (mail queued, not sent, in the matrix).
    "people.invite": ("POST", {"user_id": "ECT"}, "csrf", 200),
    # Notifications: each person's own. Opening one that is not theirs (none here) answers
    # 404; tests/web/test_notify_pages.py opens real ones. An unsubscribe link that is not
    # signed by us answers its page saying so (400), signed in or not.
    "notify.centre": ("GET", {}, None, 200),
    "notify.open_one": ("POST", {"notification_id": 999999}, "csrf", 404),
    "notify.mark_all": ("POST", {}, "csrf", 200),
    "notify.preferences": ("GET", {}, None, 200),
    "notify.unsubscribe": ("GET", {"token": "not-a-token"}, None, 400),
    # The outbox, and a file that is not in it: admins get 404, everyone else the rule's 403.
    "admin.outbox": ("GET", {}, None, 200),
    "admin.outbox_file": ("GET", {"name": "0-nothing.eml"}, None, 404),
    # People (the owner's school): the forms are fetched, not sent; the tests of each page
    # send them (tests/web/test_people_*.py, test_roster_pages.py).
    "people.index": ("GET", {}, None, 200),
    "people.roster_template": ("GET", {}, None, 200),
    "people.school": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "people.new_person": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "people.edit_person": ("GET", {"school_id": "SCHOOL", "user_id": "ECT"}, None, 200),
    "people.import_roster": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "people.new_school": ("GET", {}, None, 200),
    "people.edit_school": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "people.sign_in": ("GET", {"trust_id": "TRUST"}, None, 200),
    # Pairings, leavers, the roll-over: on a spare ECT and mentor of the owner's school whom no
    # other row uses (SPARE_*): paired again as they are, their pairing ended, the ECT
    # deactivated and reactivated, then rolled over (no pairing left: nothing changes).
    "people.pairings": (
        "POST",
        {"school_id": "SCHOOL"},
        {"ect_id": "SPARE_ECT", "mentor_id": "SPARE_MENTOR", "induction_year": "1"},
        200,
    ),
    "people.end_pairing": ("POST", {"pairing_id": "SPARE_PAIRING"}, "csrf", 200),
    "people.leaver": ("GET", {"user_id": "SPARE_ECT"}, None, 200),
    "people.deactivate": ("POST", {"user_id": "SPARE_ECT"}, "csrf", 200),
    "people.reactivate": ("POST", {"user_id": "SPARE_ECT"}, "csrf", 200),
    "people.rollover": ("POST", {"school_id": "SCHOOL"}, {"ect": "SPARE_ECT"}, 200),
    # API tokens: the page, and revoking a token that is nobody's here (404 from the use case).
    "tokens.index": ("GET", {}, None, 200),
    "tokens.revoke": ("POST", {"token_id": 999999}, "csrf", 404),
    # The API, called as a signed-in browser (tokens: tests/api/test_api_access.py). Its
    # writes read JSON, so the matrix's form answers 422 once access is granted.
    "api-docs.openapi_json": ("GET", {}, None, 200),
    "api_reference.page": ("GET", {}, None, 200),
    "api.list_clips": ("GET", {}, None, 200),
    "api.get_clip": ("GET", {"clip_id": "CLIP"}, None, 200),
    "api.clip_status": ("GET", {"clip_id": "CLIP"}, None, 200),
    "api.clip_transcript": ("GET", {"clip_id": "CLIP"}, None, 200),
    "api.list_comments": ("GET", {"clip_id": "CLIP"}, None, 200),
    "api.add_comment": ("POST", {"clip_id": "CLIP"}, "csrf", 422),
    "api.reply_comment": ("POST", {"clip_id": "CLIP", "comment_id": "COMMENT"}, "csrf", 422),
    "api.cut_highlight": ("POST", {"clip_id": "CLIP"}, "csrf", 422),
    "api.list_steps": ("GET", {"ect_id": "ECT"}, None, 200),
    "api.get_step": ("GET", {"step_id": "STEP"}, None, 200),
    "api.school_rows": ("GET", {"school_id": "SCHOOL"}, None, 200),
    "api.audit_events": ("GET", {}, None, 200),
    # Resumable uploads through the API, as a signed-in browser with the CSRF header (tokens:
    # tests/api/test_api_upload.py): as the uploads.* rows, others' upload answers 404.
    "api_uploads.tus_create": ("POST", {}, "tus-create", 201),
    "api_uploads.tus_upload": ("HEAD", {"token": "UPLOAD"}, "tus", 200),
}
