"""Leavers: the page saying what deactivating a person does, and deactivating or reactivating
their account."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.people import leavers
from web.auditing import request_ip
from web.errors import wants_json
from web.people.pairing_forms import school_people_url
from web.resources import db


def leaver(user_id: int) -> ResponseReturnValue:
    """Show what deactivating a person does (or that they are deactivated), with the button."""
    found = leavers.leaver(db(), current_user, user_id)
    back = found.managed_school_ids[0] if found.managed_school_ids else None
    return render_template(
        "people/leaver.html",
        leaver=found,
        school_url=school_people_url(back) if back is not None else None,
    )


def _person_json(change: leavers.Change) -> dict[str, object]:
    return {
        "id": change.person.id,
        "active": change.person.active,
        "changed": change.changed,
        "pairings_ended": [p.id for p in change.ended],
    }


def deactivate(user_id: int) -> ResponseReturnValue:
    """Deactivate a person's account: sessions end, pairings end today, clips stay."""
    change = leavers.deactivate(db(), current_user, user_id, ip=request_ip())
    name = change.person.name
    if not change.changed:
        message = f"{name} was already deactivated."
    else:
        message = f"{name} is deactivated: they are signed out everywhere and cannot sign in."
        if change.ended:
            message += f" {len(change.ended)} pairing(s) ended today."
    if wants_json():
        return jsonify(message=message, person=_person_json(change))
    flash(message, "info")
    return redirect(url_for("people.leaver", user_id=user_id))


def reactivate(user_id: int) -> ResponseReturnValue:
    """Let a deactivated person sign in again (no pairings come back)."""
    change = leavers.reactivate(db(), current_user, user_id, ip=request_ip())
    name = change.person.name
    message = (
        f"{name} can sign in again. No pairings were restored: pair them again on the pairings "
        "page. If they have forgotten their password, send them a new invitation."
        if change.changed
        else f"{name}'s account was already active."
    )
    if wants_json():
        return jsonify(message=message, person=_person_json(change))
    flash(message, "info")
    return redirect(url_for("people.leaver", user_id=user_id))
