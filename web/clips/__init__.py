"""Clips: the list, upload, the watch page and its media, comments, sharing, face blur, and
an owner managing (renaming, re-filing, deleting) their clip."""

from __future__ import annotations

from flask import Blueprint

from web.clips import blur, blur_review, comments, highlights, manage, routes, shares, stream
from web.routing import GET, GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the clips blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("clips", __name__, url_prefix="/clips")
    add_routes(
        bp,
        [
            (GET, "/", routes.index),
            (GET_POST, "/upload", routes.upload),
            (GET, "/<int:clip_id>", routes.watch),
            (GET, "/<int:clip_id>/status.json", routes.status),
            (GET_POST, "/<int:clip_id>/edit", manage.edit_clip),
            (GET, "/<int:clip_id>/delete", manage.confirm_delete),
            (POST, "/<int:clip_id>/delete", manage.delete_clip),
            (GET, "/<int:clip_id>/video.mp4", routes.video),
            (GET, "/<int:clip_id>/poster.jpg", routes.poster),
            (GET, "/<int:clip_id>/hls/<path:name>", stream.stream),
            (GET, "/<int:clip_id>/transcript.json", routes.transcript),
            (GET, "/<int:clip_id>/captions.vtt", routes.captions),
            (GET, "/<int:clip_id>/transcript.<any(txt, vtt):fmt>", routes.transcript_download),
            (GET, "/<int:clip_id>/comments.json", comments.comments),
            (POST, "/<int:clip_id>/comments", comments.add_comment),
            (POST, "/<int:clip_id>/comments/<int:comment_id>/replies", comments.reply_comment),
            (POST, "/<int:clip_id>/comments/<int:comment_id>/edit", comments.edit_comment),
            (POST, "/<int:clip_id>/comments/<int:comment_id>/delete", comments.delete_comment),
            (POST, "/<int:clip_id>/comments/<int:comment_id>/seen", comments.mark_seen),
            (POST, "/<int:clip_id>/highlights", highlights.cut_highlight),
            (POST, "/<int:clip_id>/shares", shares.share_clip),
            (POST, "/<int:clip_id>/shares/<int:share_id>/revoke", shares.revoke_share),
            (POST, "/<int:clip_id>/blur", blur.request_blur),
            (GET, "/<int:clip_id>/original", blur.original),
            (GET, "/<int:clip_id>/blur/review.mp4", blur_review.blur_candidate),
            (POST, "/<int:clip_id>/blur/regions", blur_review.add_blur_region),
            (
                POST,
                "/<int:clip_id>/blur/regions/<int:region_id>/remove",
                blur_review.remove_blur_region,
            ),
            (POST, "/<int:clip_id>/blur/again", blur_review.blur_again),
            (POST, "/<int:clip_id>/blur/confirm", blur_review.confirm_blur),
        ],
    )
    bp.context_processor(blur.blur_helpers)
    bp.context_processor(blur_review.review_helpers)
    # Any page may show a clip's poster or video, so every page can ask if it is withheld.
    bp.app_context_processor(blur.withheld_helper)
    return bp
