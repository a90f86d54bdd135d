"""An owner manages their clip (routes on the clips blueprint): rename it, change its kind or
step, and delete it after a page that says what goes with it; a failed upload goes in one
click. Only the owner: the use cases refuse everyone else (403 or 404)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.clips import manage
from service.coaching import rehearsals
from service.errors import InvalidInput
from service.models import ClipKind, StepStatus
from web.auditing import request_ip
from web.clips.forms import DeleteClipForm, EditClipForm
from web.errors import wants_json
from web.forms import form_errors
from web.navigation import safe_next
from web.resources import db, storage


def _step_choices(clip) -> list[tuple[int, str]]:
    """The steps a rehearsal may be linked to: the one it is linked to, and the current one."""
    offered: list[tuple[int, str]] = []
    linked = manage.linked_step(db(), clip)
    if linked is not None:
        closed = "" if linked.status == StepStatus.ACTIVE else f" ({linked.status.label.lower()})"
        offered.append((linked.id, f"{linked.title}{closed}"))
    for step in rehearsals.rehearsable_steps(db(), current_user):
        if step.id != clip.step_id:
            offered.append((step.id, step.title))
    return offered


def edit_clip(clip_id: int) -> ResponseReturnValue:
    """Show the owner's form for a clip's title, kind and step, or save what it sends."""
    clip = manage.managed_clip(db(), current_user, clip_id)
    form = EditClipForm()
    form.set_kinds(manage.kinds_for(current_user, clip))
    form.set_steps(_step_choices(clip))
    if not form.is_submitted():
        form.title.data = clip.title
        form.kind.data = clip.kind.value
        form.step.data = str(clip.step_id) if clip.step_id else ""
    error = None
    if form.validate_on_submit():
        edit = manage.ClipEdit(form.title.data or "", ClipKind(form.kind.data), form.step_id())
        try:
            clip = manage.update_clip(db(), current_user, clip.id, edit)
        except InvalidInput as refusal:
            if wants_json():
                raise
            error = refusal.message
        else:
            if wants_json():
                return jsonify(
                    id=clip.id,
                    title=clip.title,
                    kind=clip.kind.value,
                    step_id=clip.step_id,
                    attempt=clip.attempt,
                )
            flash(f"Saved: “{clip.title}”, {clip.kind.label.lower()}.", "info")
            return redirect(url_for("clips.watch", clip_id=clip.id))
    elif form.is_submitted():
        error = form_errors(form) or "Please check the form."
        if wants_json():
            return jsonify(error=error, status=400), 400
    db().refresh(clip)  # a refused change leaves the clip as it was
    page = render_template(
        "clips/edit.html",
        clip=clip,
        form=form,
        error=error,
        audience=policy.clip_audience(db(), clip),
    )
    return (page, 400) if error else page


def confirm_delete(clip_id: int) -> ResponseReturnValue:
    """Show what deleting the owner's clip takes with it, and ask them to confirm."""
    summary = manage.deletion_summary(db(), storage(), current_user, clip_id)
    form = DeleteClipForm()
    form.next.data = safe_next(request.args.get("next"), "")
    return render_template("clips/delete.html", summary=summary, form=form)


def delete_clip(clip_id: int) -> ResponseReturnValue:
    """Delete the owner's clip (or failed upload) with everything that follows it."""
    form = DeleteClipForm()
    gone = manage.delete_own_clip(
        db(),
        storage(),
        current_user,
        clip_id,
        ip=request_ip(),
        with_highlights=form.highlights.data == "delete",
    )
    if gone.failed_upload:
        message = f"The failed upload “{gone.title}” was removed."
    else:
        message = f"“{gone.title}” was deleted, with its feedback, transcript and files."
    if wants_json():
        return jsonify(deleted=gone.clip_id, message=message)
    flash(message, "info")
    back = safe_next(form.next.data, url_for("clips.index"))
    path, own = back.split("?")[0].split("#")[0], url_for("clips.watch", clip_id=clip_id)
    if path == own or path.startswith(own + "/"):
        back = url_for("clips.index")  # the clip's own pages are gone with it
    return redirect(back)
