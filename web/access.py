"""Apply the service's access policy to every request, before any view runs."""

from __future__ import annotations

import logging

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from service import policy
from service.errors import Forbidden
from service.models import Role
from web.errors import wants_json

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Check every request against the access policy before its view runs."""

    @app.before_request
    def _check_access():
        if request.endpoint is None:
            return None  # routing will answer 404 or 405
        rule = policy.rule_for(request.endpoint)
        if rule is None:
            # Fail closed: a route nobody wrote a rule for is served to nobody.
            log.error("endpoint %s has no access rule; refusing", request.endpoint)
            abort(403)
        if rule == policy.Action.PUBLIC:
            return None
        if not current_user.is_authenticated:
            if wants_json():
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if rule == policy.Action.UPLOAD_CLIP and not policy.can_upload(current_user):
            raise Forbidden("Only early career teachers and mentors upload clips here.")
        if rule == policy.Action.MENTOR_ONLY and policy.mentor_school(current_user) is None:
            raise Forbidden("Only mentors can do this.")
        if rule == policy.Action.REVIEW and not current_user.has_role(Role.REVIEWER):
            raise Forbidden("Only reviewers of coaching can do this.")
        if rule == policy.Action.ASSIGN_REVIEWERS and not policy.can_assign_reviewers(current_user):
            raise Forbidden("Only induction coordinators and admins assign reviewers.")
        if rule == policy.Action.MANAGE_RUBRIC and policy.rubric_trust_ids(current_user) == []:
            raise Forbidden("Only a trust's induction coordinators and admins edit its rubric.")
        if rule == policy.Action.SHARE_TALK and not policy.can_share_talk(current_user):
            raise Forbidden("Only early career teachers share their talk figures.")
        if rule == policy.Action.MANAGE_PEOPLE and not policy.can_manage_people(current_user):
            raise Forbidden("Only induction coordinators and admins manage people.")
        if rule == policy.Action.MANAGE_SCHOOLS and not policy.can_manage_schools(current_user):
            raise Forbidden("Only a trust's induction coordinators and admins manage its schools.")
        if rule == policy.Action.ADMIN_ONLY and not policy.is_admin(current_user):
            raise Forbidden("Only admins can do this.")
        audits = (policy.Action.AUDIT, policy.Action.AUDIT_TRUST, policy.Action.AUDIT_SCHOOL)
        if rule in audits and not policy.can_audit(current_user):
            raise Forbidden("Only induction coordinators and admins can see the induction audit.")
        # The other actions are decided per clip, comment, step or ECT by the use case the view
        # calls: 404 for what the user may not see, 403 for what they see but may not change.
        return None
