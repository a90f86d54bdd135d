"""Clips: the list, upload, the watch page, media, processing status and comments."""

from __future__ import annotations

import hashlib
import logging

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from redis.exceptions import RedisError
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.utils import secure_filename
from werkzeug.wsgi import wrap_file

from service import clips, coaching, policy, privacy, shares, talk, transcripts
from service import comments as feedback
from service.models import (
    AuditAction,
    ClipKind,
    ClipStatus,
    ConsentState,
    LawfulBasis,
    TranscriptStatus,
)
from web.auditing import audit, audit_view
from web.clips.blueprint import bp
from web.clips.blur_state import blur_status_json
from web.clips.comments import comment_json
from web.clips.forms import CommentForm, UploadForm
from web.errors import wants_json
from web.resources import db, redis, settings, storage
from workers.queues import TRANSCRIBE_JOBS, clip_progress, enqueue_processing

log = logging.getLogger(__name__)


@bp.get("/")
def index():  # noqa: ANN201
    return render_template(
        "clips/index.html",
        clips=clips.visible_clips(db(), current_user),
        can_upload=policy.can_upload(current_user),
        shared=shares.shared_with_me(db(), current_user),
    )


def _form_errors(form: UploadForm | CommentForm) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


@bp.route("/upload", methods=["GET", "POST"])
def upload():  # noqa: ANN201
    form = UploadForm()
    form.set_kinds(policy.upload_kinds(current_user))
    steps = coaching.rehearsable_steps(db(), current_user)
    form.set_steps([(step.id, step.title) for step in steps])
    offered = privacy.upload_form_choices(db(), current_user)
    form.set_classes(offered.classes)
    if not form.is_submitted():
        form.blur_faces.data = offered.blur_by_default
        form.recorded_by.data = current_user.name
        wanted = request.args.get("step", "")
        form.step.data = wanted if wanted else (str(steps[0].id) if steps else "")
        if request.args.get("kind") in {k.value for k in policy.upload_kinds(current_user)}:
            form.kind.data = request.args["kind"]
    limit = settings().max_upload_bytes
    if not form.validate_on_submit():
        if form.is_submitted():
            message = _form_errors(form) or "Please check the form."
            if wants_json():
                return jsonify(error=message), 400
            return render_template("clips/upload.html", form=form, limit=limit), 400
        return render_template("clips/upload.html", form=form, limit=limit)
    upload_file = form.file.data
    details = clips.UploadDetails(
        kind=ClipKind(form.kind.data),
        title=form.title.data or "",
        recorded_on=form.recorded_on.data,
        filename=upload_file.filename or "upload",
        step_id=form.step_id(),
        class_id=form.class_id(),
        lawful_basis=LawfulBasis(form.lawful_basis.data),
        consent_state=ConsentState(form.consent_state.data),
        recorded_by=form.recorded_by.data or "",
        blur_faces=bool(form.blur_faces.data),
    )
    clip = clips.register_upload(
        db(),
        storage(),
        current_user,
        details,
        upload_file.stream,
        max_bytes=limit,
        quota_bytes=settings().user_quota_bytes,
    )
    try:
        enqueue_processing(redis(), clip.id)
    except RedisError:
        # The clip is safe in storage and the database; the sweeper will queue it.
        log.exception("could not queue clip %s; the sweeper will pick it up", clip.id)
    watch_url = url_for("clips.watch", clip_id=clip.id)
    if wants_json():
        return jsonify(
            id=clip.id, url=watch_url, status_url=url_for("clips.status", clip_id=clip.id)
        ), 201
    flash("Uploaded. We are preparing your clip; it will play here when it is ready.", "info")
    return redirect(watch_url)


@bp.get("/<int:clip_id>")
def watch(clip_id: int):  # noqa: ANN201
    clip = clips.get_visible_clip(db(), current_user, clip_id)
    comments = feedback.clip_comments(db(), current_user, clip_id)
    audit_view(clip, "watch page")
    return render_template(
        "clips/watch.html",
        clip=clip,
        comments=[comment_json(c) for c in comments],
        can_comment=policy.can_comment(db(), current_user, clip),
        can_mark_seen=policy.can_mark_seen(current_user, clip),
        can_set_step=policy.mentors(db(), current_user, clip.owner_id),
        form=CommentForm(),
        sharing=shares.share_panel(db(), current_user, clip),
        talk_panel=talk.panel_for(db(), current_user, clip),
    )


def status_json(clip) -> dict[str, object]:  # noqa: ANN001
    data: dict[str, object] = {
        "id": clip.id,
        "status": clip.status.value,
        "failure_reason": clip.failure_reason,
        "duration": clip.duration,
    }
    if clip.status == ClipStatus.READY:
        data.update(
            stage="done",
            stage_label="Ready",
            progress=1.0,
            video_url=url_for("clips.video", clip_id=clip.id),
            poster_url=url_for("clips.poster", clip_id=clip.id),
        )
    elif clip.status == ClipStatus.FAILED:
        data.update(stage="failed", stage_label="Could not be prepared", progress=1.0)
    else:
        data.update(_progress(clip.id, clips_jobs=True))
    data["transcript"] = transcript_status_json(clip)
    data["blur"] = blur_status_json(clip)
    return data


def _progress(clip_id: int, clips_jobs: bool) -> dict[str, object]:
    try:
        if clips_jobs:
            return clip_progress(redis(), clip_id)
        return clip_progress(redis(), clip_id, TRANSCRIBE_JOBS)
    except RedisError:
        return {"stage": "queued", "stage_label": "Waiting for a worker", "progress": 0.0}


def transcript_status_json(clip) -> dict[str, object]:  # noqa: ANN001
    status = clip.transcript_status
    data: dict[str, object] = {"status": status.value if status else None}
    if status == TranscriptStatus.READY:
        data.update(
            url=url_for("clips.transcript", clip_id=clip.id),
            captions_url=(
                url_for("clips.captions", clip_id=clip.id) if clip.captions_key else None
            ),
        )
    elif status == TranscriptStatus.FAILED:
        data["failure_reason"] = clip.transcript_failure_reason
    elif status is not None:
        data.update(_progress(clip.id, clips_jobs=False))
    return data


@bp.get("/<int:clip_id>/status.json")
def status(clip_id: int):  # noqa: ANN201
    clip = clips.get_visible_clip(db(), current_user, clip_id)
    return jsonify(status_json(clip))


# What the browser may fetch straight from the bucket. Captions stay on this origin: a
# <track> is fetched same-origin unless its <video> has a crossorigin attribute, so a redirect
# to the bucket would drop them (and the .vtt download keeps its Content-Disposition).
_PRESIGNABLE = frozenset({"video/mp4", "audio/mp4", "image/jpeg"})


def _serve(key: str | None, mimetype: str):  # noqa: ANN202
    """Send a stored object: a redirect to a short-lived storage URL where the backend has one,
    else streamed from here, honouring Range requests so the player can seek.

    The view has already checked that the user may see the clip.
    """
    store = storage()
    if key is None or not store.exists(key):
        abort(404)
    config = settings()
    if mimetype in _PRESIGNABLE and not config.storage_proxy:
        url = store.url_for(key, mimetype=mimetype, expires=config.presign_seconds)
        if url is not None:
            response = redirect(url, 302)
            # The signed URL is this user's alone and short-lived: nobody may keep the redirect.
            response.headers["Cache-Control"] = "private, no-store"
            return response
    size = store.size(key)
    handle = store.open(key)
    response = current_app.response_class(
        wrap_file(request.environ, handle), mimetype=mimetype, direct_passthrough=True
    )
    response.content_length = size
    # A 304 answer drops the file iterator without closing it: close the file with the response.
    response.call_on_close(handle.close)
    response.set_etag(hashlib.sha1(f"{key}:{size}".encode()).hexdigest())
    # Classroom video: browsers may keep it for this user, shared caches never.
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.headers["X-Content-Type-Options"] = "nosniff"
    try:
        return response.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    except RequestedRangeNotSatisfiable:
        handle.close()
        raise


@bp.get("/<int:clip_id>/video.mp4")
def video(clip_id: int):  # noqa: ANN201
    clip = clips.get_visible_clip(db(), current_user, clip_id)
    if clip.status != ClipStatus.READY or policy.video_withheld(current_user, clip):
        abort(404)
    if (request.range is None or request.range.ranges[0][0] == 0) and request.method == "GET":
        audit_view(clip, "video")  # a player's first request; the rest are range requests
    # A sound-only clip's playable file is an .m4a (service.sound_only).
    return _serve(clip.video_key, "audio/mp4" if clip.audio_only else "video/mp4")


@bp.get("/<int:clip_id>/poster.jpg")
def poster(clip_id: int):  # noqa: ANN201
    clip = clips.get_visible_clip(db(), current_user, clip_id)
    if policy.video_withheld(current_user, clip):  # pupils' faces are waiting to be blurred
        abort(404)
    return _serve(clip.poster_key, "image/jpeg")


@bp.get("/<int:clip_id>/transcript.json")
def transcript(clip_id: int):  # noqa: ANN201
    segments = transcripts.transcript(db(), current_user, clip_id)
    return jsonify(
        segments=[
            {"start": s.start, "end": s.end, "text": s.text, "words": s.words} for s in segments
        ]
    )


@bp.get("/<int:clip_id>/captions.vtt")
def captions(clip_id: int):  # noqa: ANN201
    clip = clips.get_visible_clip(db(), current_user, clip_id)
    return _serve(clip.captions_key, "text/vtt")


@bp.get("/<int:clip_id>/transcript.<any(txt, vtt):fmt>")
def transcript_download(clip_id: int, fmt: str):  # noqa: ANN201
    if fmt == "vtt":
        clip = clips.get_visible_clip(db(), current_user, clip_id)
        response = _serve(clip.captions_key, "text/vtt")
    else:
        clip, body = transcripts.transcript_text(db(), current_user, clip_id)
        response = current_app.response_class(body, mimetype="text/plain")
    name = secure_filename(f"{clip.title} transcript.{fmt}") or f"transcript.{fmt}"
    audit(
        AuditAction.DOWNLOAD_TRANSCRIPT,
        clip_id=clip.id,
        subject_id=clip.owner_id,
        detail=f"{fmt} of {clip.title}",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
