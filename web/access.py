"""Apply the service's access policy to every request, before any view runs."""

from __future__ import annotations

import logging

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from service import policy
from service.errors import Forbidden
from web.errors import wants_json

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    @app.before_request
    def _check_access():  # noqa: ANN202
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
        # VIEW_CLIP and COMMENT_ON_CLIP are decided per clip by the use case the view calls,
        # which answers 404 for a clip the user may not see.
        return None
