"""Importing a roster file: upload, preview, confirm; and the template file.

The confirm step does not trust the browser: the preview carries the file's text signed with
the app's secret key (bound to the school and the person), and confirming reads it again and
checks every row again before anything is written.
"""

from __future__ import annotations

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from service.errors import InvalidInput
from service.people import roster, roster_file, schools
from web import mailing
from web.errors import wants_json
from web.forms import refused
from web.people.forms import RosterForm
from web.resources import db

SALT = "roster"
# A preview older than this is uploaded again: the school's people may have changed since.
MAX_AGE_SECONDS = 3600


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _sign(school_id: int, text: str, filename: str) -> str:
    return _signer().dumps({"s": school_id, "u": current_user.id, "t": text, "f": filename})


def _unsign(school_id: int, token: str) -> tuple[str, str]:
    try:
        data = _signer().loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        raise InvalidInput(
            "This preview is more than an hour old. Please upload the file again."
        ) from None
    except BadSignature:
        raise InvalidInput(
            "We could not read that preview. Please upload the file again."
        ) from None
    if data.get("s") != school_id or data.get("u") != current_user.id:
        raise InvalidInput("That preview was for another school. Please upload the file again.")
    return str(data.get("t", "")), str(data.get("f", ""))


def _preview_json(preview: roster.Preview) -> dict[str, object]:
    return {
        "can_apply": preview.can_apply,
        "counts": {kind.value: preview.count(kind) for kind in roster.RowKind},
        "rows": [
            {
                "row": p.row.line,
                "email": p.row.email,
                "kind": p.kind.value,
                "notes": p.notes,
            }
            for p in preview.rows
        ],
    }


def import_roster(school_id: int) -> ResponseReturnValue:
    """Show the upload form; preview an uploaded file; apply a confirmed one."""
    school = schools.people_school(db(), current_user, school_id)
    form = RosterForm()

    def page(message: str = "") -> ResponseReturnValue:
        return render_template("people/import.html", school=school, form=form, error=message)

    if not form.is_submitted():
        return page()
    if not form.validate():
        return refused("Your session has expired. Please reload the page and try again.", page)
    token = request.form.get("confirm", "")
    try:
        if token:
            return _apply(school_id, token)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise InvalidInput("Please choose the roster file to import (a CSV file).")
        data = upload.stream.read(roster_file.MAX_BYTES + 1)
        text = roster_file.decode(data)
        preview = roster.preview_roster(db(), current_user, school_id, text)
    except InvalidInput as exc:
        db().rollback()
        return refused(exc.message, page)
    signed = _sign(school_id, text, upload.filename or "") if preview.can_apply else ""
    if wants_json():
        return jsonify(preview=_preview_json(preview), confirm=signed)
    return render_template(
        "people/import_preview.html",
        school=school,
        preview=preview,
        kinds=roster.RowKind,
        token=signed,
        filename=upload.filename,
    )


def _apply(school_id: int, token: str) -> ResponseReturnValue:
    text, filename = _unsign(school_id, token)
    applied = roster.apply_roster(db(), current_user, school_id, text, filename=filename)
    invited = mailing.invite(applied.new_user_ids) if applied.new_user_ids else 0
    message = (
        f"Roster imported: {applied.added} added, {applied.changed} changed, "
        f"{applied.unchanged} with no change. {invited} invitation"
        f"{'' if invited == 1 else 's'} sent."
    )
    if wants_json():
        return jsonify(message=message, added=applied.added, changed=applied.changed)
    flash(message, "info")
    return redirect(url_for("people.school", school_id=school_id))


def roster_template() -> ResponseReturnValue:
    """Download the roster template: the columns we read and one example row."""
    # A byte order mark, so Excel opens the file as UTF-8 (names such as Zoë stay whole).
    body = "\ufeff" + roster_file.template()
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="coachreel-roster.csv"'},
    )
