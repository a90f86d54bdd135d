"""Retention for coordinators: the school's coming deletions, keeping a clip for longer, and
recording when an ECT's induction ended."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.errors import InvalidInput
from service.privacy import retention_admin
from web.auditing import request_ip
from web.errors import wants_json
from web.forms import form_errors, refused
from web.resources import db
from web.retention.forms import CompletionForm, ExtendForm


def _page(school_id: int, **problems: object) -> str:
    page = retention_admin.retention_page(db(), current_user, school_id)
    return render_template("retention/school.html", page=page, **problems)


def _refused(school_id: int, message: str, **typed: object) -> ResponseReturnValue:
    """Answer a refused form: the page again with the message by the form, and what was typed."""
    return refused(message, lambda message: _page(school_id, message=message, **typed))


def school(school_id: int) -> ResponseReturnValue:
    """Show a school's coming deletions, extensions and inductions."""
    return _page(school_id)


def extend(clip_id: int) -> ResponseReturnValue:
    """Keep a clip until a later day, for a reason."""
    clip = retention_admin.extendable_clip(db(), current_user, clip_id)
    form = ExtendForm()
    typed = {
        "extend_clip": clip.id,
        "typed_until": (form.until.raw_data or [""])[0],
        "typed_reason": form.reason.data,
    }
    if not form.validate():
        return _refused(clip.school_id, form_errors(form), **typed)
    try:
        clip = retention_admin.extend_retention(
            db(),
            current_user,
            clip.id,
            form.until.data,
            form.reason.data or "",
            ip=request_ip(),
        )
    except InvalidInput as exc:
        return _refused(clip.school_id, exc.message, **typed)
    if wants_json():
        return jsonify(
            clip={
                "id": clip.id,
                "retain_until": clip.retain_until.isoformat() if clip.retain_until else None,
                "retention_reason": clip.retention_reason,
            }
        )
    flash(f"“{clip.title}” is kept until {clip.retain_until:%-d %B %Y}.", "info")
    return redirect(url_for("retention.school", school_id=clip.school_id))


def record_completion(school_id: int, ect_id: int) -> ResponseReturnValue:
    """Record the day an ECT's induction ended (or that it has not)."""
    school = retention_admin.retention_school(db(), current_user, school_id)
    retention_admin.ect_membership(db(), school.id, ect_id)
    form = CompletionForm()
    typed = {"completion_ect": ect_id, "typed_completed": (form.completed_on.raw_data or [""])[0]}
    if not form.validate():
        return _refused(school.id, form_errors(form), **typed)
    try:
        membership = retention_admin.record_induction_completed(
            db(), current_user, ect_id, school.id, form.completed_on.data, ip=request_ip()
        )
    except InvalidInput as exc:
        return _refused(school.id, exc.message, **typed)
    done = membership.induction_completed_on
    if wants_json():
        return jsonify(
            ect_id=ect_id,
            school_id=school.id,
            induction_completed_on=done.isoformat() if done else None,
        )
    if done is None:
        flash(f"{membership.user.name}'s induction is recorded as not yet complete.", "info")
    else:
        flash(
            f"{membership.user.name}'s induction is recorded as completed on {done:%-d %B %Y}.",
            "info",
        )
    return redirect(url_for("retention.school", school_id=school.id, _anchor="ects"))
