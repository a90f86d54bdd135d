"""Clips: the list, upload, the watch page, its status for polling, and the clip's media."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.utils import secure_filename
from werkzeug.wsgi import wrap_file

from service import policy
from service.clips import (
    browse,
    highlights,
    stream as clip_stream,
    transcripts,
    upload as clips_upload,
    visibility,
)
from service.coaching import rehearsals
from service.feedback import comments as feedback_comments
from service.models import (
    ClipKind,
    ClipStatus,
    ConsentState,
    LawfulBasis,
)
from service.privacy import shares
from service.talk import figures
from web.auditing import audit_transcript_read, audit_view
from web.clips.comments import comment_json
from web.clips.forms import CommentForm, UploadForm
from web.clips.highlights import highlight_form
from web.clips.status import status_json
from web.errors import wants_json
from web.forms import form_errors, optional_int
from web.resources import db, redis, settings, storage
from workers.queues import (
    enqueue_or_leave_to_sweeper,
    stale_window,
)


def index() -> ResponseReturnValue:
    """List the clips the user may see, filtered and a page at a time, and those lent to them."""
    listing = browse.browse(db(), current_user, request.args)
    return render_template(
        "clips/index.html",
        listing=listing,
        clips=listing.clips,
        statuses=browse.STATUSES,
        kinds=list(ClipKind),
        can_upload=policy.can_upload(current_user),
        shared=shares.shared_with_me(db(), current_user),
    )


def upload() -> ResponseReturnValue:
    """Show the upload form, or store the clip it sends and queue its processing."""
    form = UploadForm()
    form.set_kinds(policy.upload_kinds(current_user))
    steps = rehearsals.rehearsable_steps(db(), current_user)
    form.set_steps([(step.id, step.title) for step in steps])
    offered = clips_upload.upload_form_choices(db(), current_user)
    form.set_classes(offered.classes)
    notice = None
    if not form.is_submitted():
        form.blur_faces.data = offered.blur_by_default
        form.recorded_by.data = current_user.name
        notice = _choose_kind_and_step(form, [step.id for step in steps])
    limit = settings().max_upload_bytes
    if not form.validate_on_submit():
        if form.is_submitted():
            message = form_errors(form) or "Please check the form."
            if wants_json():
                return jsonify(error=message), 400
            return render_template("clips/upload.html", form=form, limit=limit), 400
        return render_template("clips/upload.html", form=form, limit=limit, notice=notice)
    upload_file = form.file.data
    details = clips_upload.UploadDetails(
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
    clip = clips_upload.register_upload(
        db(),
        storage(),
        current_user,
        details,
        upload_file.stream,
        max_bytes=limit,
        quota_bytes=settings().user_quota_bytes,
    )
    # The clip is safe in storage and the database: if Redis is down, the sweeper queues it.
    enqueue_or_leave_to_sweeper(
        redis(), "processing", clip.id, None, stale_after=stale_window(settings())
    )
    watch_url = url_for("clips.watch", clip_id=clip.id)
    if wants_json():
        return jsonify(
            id=clip.id, url=watch_url, status_url=url_for("clips.status", clip_id=clip.id)
        ), 201
    # The watch page itself says the clip is being prepared, for as long as it is (no flash
    # that would outlive the status it describes).
    return redirect(watch_url)


def _choose_kind_and_step(form: UploadForm, rehearsable: list[int]) -> str | None:
    """Start the form as a link asks (``?kind=rehearsal&step=<id>``), else as usual: a link
    naming a step the uploader cannot rehearse now is ignored, and the form says so."""
    form.step.data = str(rehearsable[0]) if rehearsable else ""
    kind = request.args.get("kind")
    if request.args.get("step"):
        step_id = optional_int(request.args["step"])
        if step_id not in rehearsable:
            return (
                "The step in that link cannot be rehearsed now: it is closed, or not one of "
                "yours. Choose what you are uploading below."
            )
        form.step.data = str(step_id)
        kind = kind or ClipKind.REHEARSAL.value  # a step is only ever rehearsed
    if kind == ClipKind.REHEARSAL.value and not rehearsable:
        return "You have no action step to rehearse yet: your mentor sets one after an observation."
    if kind in {k.value for k in policy.upload_kinds(current_user)}:
        form.kind.data = kind
    return None


def watch(clip_id: int) -> ResponseReturnValue:
    """Show a clip with its comments, sharing, blur and talk panels."""
    clip = visibility.get_visible_clip(db(), current_user, clip_id)
    comments = feedback_comments.clip_comments(db(), current_user, clip_id)
    audit_view(clip, "watch page")
    owns = policy.can_manage_clip(current_user, clip)
    return render_template(
        "clips/watch.html",
        clip=clip,
        comments=[comment_json(c) for c in comments],
        can_comment=policy.can_comment(db(), current_user, clip),
        can_mark_seen=policy.can_mark_seen(current_user, clip),
        can_set_step=policy.mentors(db(), current_user, clip.owner_id),
        can_manage=owns,
        # Who can see it, as the owner is told: worked out from the policy itself.
        audience=policy.clip_audience(db(), clip) if owns else None,
        form=CommentForm(),
        sharing=shares.share_panel(db(), current_user, clip),
        talk_panel=figures.panel_for(db(), current_user, clip),
        highlight_form=highlight_form(clip) if clip.status == ClipStatus.READY else None,
        cut_from=highlights.cut_from(db(), current_user, clip),
        stream_url=(
            url_for("clips.stream", clip_id=clip.id, name=clip_stream.MASTER)
            if clip_stream.has_stream(storage(), clip)
            else None
        ),
    )


def status(clip_id: int) -> ResponseReturnValue:
    """Answer a clip's processing status as JSON, for the page to poll."""
    clip = visibility.get_visible_clip(db(), current_user, clip_id)
    return jsonify(status_json(clip))


# What the browser may fetch straight from the bucket. Captions stay on this origin: a
# <track> is fetched same-origin unless its <video> has a crossorigin attribute, so a redirect
# to the bucket would drop them (and the .vtt download keeps its Content-Disposition).
_PRESIGNABLE = frozenset({"video/mp4", "audio/mp4", "image/jpeg"})


def serve_media(key: str | None, mimetype: str, *, presign: bool = True):
    """Send a stored object: a redirect to a short-lived storage URL where the backend has one,
    else streamed from here, honouring Range requests so the player can seek.

    The view has already checked that the user may see the clip.
    """
    store = storage()
    if key is None or not store.exists(key):
        abort(404)
    config = settings()
    if presign and mimetype in _PRESIGNABLE and not config.storage_proxy:
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


def audited(response: Response, record: Callable[[], None]) -> Response:
    """Record a read once its answer is made, closing the answer if recording fails.

    So a missing file or a range that cannot be satisfied records nothing.
    """
    try:
        record()
    except BaseException:
        response.close()
        raise
    return response


def video(clip_id: int) -> ResponseReturnValue:
    """Stream a ready clip's video (or sound), unless it is withheld."""
    clip = visibility.get_visible_clip(db(), current_user, clip_id)
    if clip.status != ClipStatus.READY or policy.video_withheld(current_user, clip):
        abort(404)
    # A sound-only clip's playable file is an .m4a (service.clips.sound_only).
    response = serve_media(clip.video_key, "audio/mp4" if clip.audio_only else "video/mp4")
    # Any range counts (a player may start at the end of the file), once per window.
    return audited(response, lambda: audit_view(clip, "video"))


def poster(clip_id: int) -> ResponseReturnValue:
    """Send a clip's poster image, unless it is withheld."""
    clip = visibility.get_visible_clip(db(), current_user, clip_id)
    if policy.video_withheld(current_user, clip):  # pupils' faces are waiting to be blurred
        abort(404)
    response = serve_media(clip.poster_key, "image/jpeg")
    return audited(response, lambda: audit_view(clip, "poster"))


def transcript(clip_id: int) -> ResponseReturnValue:
    """Answer a clip's transcript segments as JSON."""
    clip, segments = transcripts.clip_transcript(db(), current_user, clip_id)
    if segments:
        audit_transcript_read(clip, "json")
    return jsonify(
        segments=[
            {"start": s.start, "end": s.end, "text": s.text, "words": s.words} for s in segments
        ]
    )


def captions(clip_id: int) -> ResponseReturnValue:
    """Send a clip's captions as WebVTT."""
    clip = visibility.get_visible_clip(db(), current_user, clip_id)
    response = serve_media(clip.captions_key, "text/vtt")
    return audited(response, lambda: audit_transcript_read(clip, "captions"))


def transcript_download(clip_id: int, fmt: str) -> ResponseReturnValue:
    """Download a clip's transcript as plain text or WebVTT."""
    if fmt == "vtt":
        clip = visibility.get_visible_clip(db(), current_user, clip_id)
        response = serve_media(clip.captions_key, "text/vtt")
    else:
        clip, body = transcripts.transcript_text(db(), current_user, clip_id)
        response = current_app.response_class(body, mimetype="text/plain")
    name = secure_filename(f"{clip.title} transcript.{fmt}") or f"transcript.{fmt}"
    audited(response, lambda: audit_transcript_read(clip, fmt))
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
