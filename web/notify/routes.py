"""The notification pages: the centre, opening one, marking all read, email choices, and
the unsubscribe link (no sign-in: the signed token decides)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.errors import InvalidInput
from service.models import DeliveryMode
from service.notify import centre as notify_centre, preferences as prefs
from web.errors import wants_json
from web.forms import optional_int, refused
from web.resources import db, settings


def header_count() -> dict[str, object]:
    """Give every page the signed-in person's unread count (counted only when shown)."""

    def unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return notify_centre.unread_count(db(), current_user)

    return {"unread_notifications": unread}


def centre() -> ResponseReturnValue:
    """List the person's notifications, newest first."""
    page = notify_centre.notifications(
        db(), current_user, optional_int(request.args.get("page")) or 1
    )
    if wants_json():
        return jsonify(
            unread=page.unread,
            notifications=[
                {
                    "id": n.id,
                    "kind": n.kind,
                    "text": n.text,
                    "link": n.link,
                    "created_at": n.created_at.isoformat(),
                    "read": n.read_at is not None,
                }
                for n in page.items
            ],
        )
    return render_template("notify/centre.html", page=page)


def open_one(notification_id: int) -> ResponseReturnValue:
    """Mark one notification read and go where it points."""
    notification = notify_centre.open_notification(db(), current_user, notification_id)
    if wants_json():
        return jsonify(id=notification.id, link=notification.link, read=True)
    return redirect(notification.link)


def mark_all() -> ResponseReturnValue:
    """Mark every notification read."""
    count = notify_centre.mark_all_read(db(), current_user)
    if wants_json():
        return jsonify(marked=count)
    flash("All notifications are marked read." if count else "Nothing was unread.", "info")
    return redirect(url_for("notify.centre"))


def _preferences_page(error: str = "") -> ResponseReturnValue:
    return render_template(
        "notify/preferences.html",
        choices=prefs.choices(db(), current_user),
        modes=list(DeliveryMode),
        error=error,
    )


def preferences() -> ResponseReturnValue:
    """Show, or save, the person's email choice for each kind of notification."""
    if request.method == "GET":
        return _preferences_page()
    wanted = {
        key.removeprefix("mode-"): value
        for key, value in request.form.items()
        if key.startswith("mode-")
    }
    try:
        prefs.save_choices(db(), current_user, wanted)
    except InvalidInput as exc:
        return refused(exc.message, _preferences_page)
    if wants_json():
        return jsonify(saved=True)
    flash("Your email choices are saved.", "info")
    return redirect(url_for("notify.preferences"))


def unsubscribe(token: str) -> ResponseReturnValue:
    """Show what the link turns off (GET), or turn it off (POST, one click from a mail app)."""
    secret = settings().secret_key
    try:
        if request.method == "POST":
            done = prefs.unsubscribe(db(), secret, token)
            return render_template("notify/unsubscribed.html", done=done)
        found = prefs.read_unsubscribe(db(), secret, token)
    except InvalidInput as exc:
        return render_template("notify/unsubscribe.html", error=exc.message, found=None), 400
    return render_template("notify/unsubscribe.html", found=found, token=token, error="")
