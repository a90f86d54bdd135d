"""The privacy pages: a school's settings and classes, and the consent register of its clips."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.errors import InvalidInput
from service.models import ConsentRequest, ConsentState, LawfulBasis, School
from service.privacy import consent, consent_requests, settings as privacy_settings
from service.privacy.shares import CONSENT_MESSAGE
from web.auditing import request_ip
from web.clips.blur import queue_blur
from web.errors import wants_json
from web.forms import form_errors, optional_int, ticked
from web.navigation import safe_next
from web.privacy.forms import CONSENT_CHOICES, LAWFUL_BASIS_CHOICES, ConsentForm, SettingsForm
from web.resources import db


def consent_record_helpers() -> dict[str, object]:
    """Give the watch page's consent record (clips/_consent.html) what it needs."""
    return {
        "can_record_consent": lambda clip: policy.can_record_consent(db(), current_user, clip),
        "lawful_bases": list(LawfulBasis),
        "consent_states": list(ConsentState),
        # The share panel's consent refusal offers to ask the coordinators (_ask_consent.html).
        "consent_blocked": lambda refusal: refusal == CONSENT_MESSAGE,
        "open_consent_request": lambda clip: consent_requests.open_request(db(), clip.id),
    }


def _settings_page(school: School, form: SettingsForm, error: str = "", status: int = 200):
    return render_template(
        "privacy/settings.html",
        school=school,
        form=form,
        classes=privacy_settings.class_rows(db(), current_user, school.id),
        error=error,
        min_days=privacy_settings.MIN_DAYS,
        max_days=privacy_settings.MAX_DAYS,
    ), status


def settings(school_id: int) -> ResponseReturnValue:
    """Show a school's privacy settings and classes."""
    school = privacy_settings.privacy_school(db(), current_user, school_id)
    form = SettingsForm(obj=school)
    return _settings_page(school, form)


def save_settings(school_id: int) -> ResponseReturnValue:
    """Save a school's blur settings, retention periods and teachers' microphone."""
    school = privacy_settings.privacy_school(db(), current_user, school_id)
    form = SettingsForm()
    try:
        if not form.validate():
            raise InvalidInput(form_errors(form))
        school = privacy_settings.update_settings(
            db(), current_user, school_id, form.values(), ip=request_ip()
        )
    except InvalidInput as exc:
        if wants_json():
            raise
        return _settings_page(school, form, exc.message, 400)
    if wants_json():
        return jsonify(
            school={
                "id": school.id,
                "blur_by_default": school.blur_by_default,
                "blur_outside_teacher": school.blur_outside_teacher,
                "blur_without_review": school.blur_without_review,
                "original_retention_days": school.original_retention_days,
                "clip_retention_days": school.clip_retention_days,
                "teacher_microphone": school.teacher_microphone,
            }
        )
    flash("Privacy settings saved.", "info")
    return redirect(url_for("privacy.settings", school_id=school_id))


def classes(school_id: int) -> ResponseReturnValue:
    """Add a class (``add``), mark one sound only or not (``sound_only``), or remove one."""
    form = request.form
    class_id = optional_int(form.get("class_id"))
    status = 200
    if "add" in form:
        school_class = privacy_settings.add_class(
            db(),
            current_user,
            school_id,
            form.get("add", ""),
            audio_only=ticked(form.get("audio_only")),
            ip=request_ip(),
        )
        message, status = f"Added {school_class.name}.", 201
    elif class_id is not None and "remove" in form:
        name = privacy_settings.remove_class(
            db(), current_user, school_id, class_id, ip=request_ip()
        )
        message = f"Removed {name}."
    elif class_id is not None and "sound_only" in form:
        school_class = privacy_settings.set_audio_only(
            db(),
            current_user,
            school_id,
            class_id,
            ticked(form.get("sound_only")),
            ip=request_ip(),
        )
        message = (
            f"{school_class.name} is now recorded as sound only: new clips keep no video."
            if school_class.audio_only
            else f"{school_class.name} is now recorded with video and sound."
        )
    else:
        privacy_settings.privacy_school(db(), current_user, school_id)
        raise InvalidInput("Please say which class to add, change or remove.")
    if wants_json():
        return jsonify(message=message), status
    flash(message, "info")
    return redirect(url_for("privacy.settings", school_id=school_id, _anchor="classes"))


def consent_register(school_id: int) -> ResponseReturnValue:
    """Show the consent register of a school's clips, filtered by state."""
    wanted = request.args.get("state", "")
    state = ConsentState(wanted) if wanted in {s.value for s in ConsentState} else None
    register = consent.consent_register(db(), current_user, school_id, state=state)
    return render_template(
        "privacy/consent.html",
        register=register,
        requests=consent_requests.open_requests(db(), current_user, school_id),
        consent_choices=CONSENT_CHOICES,
        basis_choices=LAWFUL_BASIS_CHOICES,
    )


def record_consent(clip_id: int) -> ResponseReturnValue:
    """Record a clip's lawful basis and consent, asking for a blur where needed."""
    form = ConsentForm()
    if not form.validate():
        raise InvalidInput(
            "Please choose a lawful basis and a consent state from the lists. " + form_errors(form)
        )
    lawful_basis, consent_state, recorded_by = form.values()
    change = consent.record_consent(
        db(),
        current_user,
        clip_id,
        lawful_basis=lawful_basis,
        consent_state=consent_state,
        recorded_by=recorded_by,
        ip=request_ip(),
    )
    clip = change.clip
    if change.blur_requested:
        queue_blur(clip)
    if not change.changed:
        message = f"“{clip.title}”: nothing changed."
    elif change.blur_requested:
        message = (
            f"“{clip.title}”: consent recorded. Pupils' faces will now be blurred; until then "
            "the video is hidden from everyone but the teacher who uploaded it."
        )
    else:
        message = f"“{clip.title}”: consent recorded."
    if wants_json():
        return jsonify(
            message=message,
            clip={
                "id": clip.id,
                "lawful_basis": clip.lawful_basis.value,
                "consent_state": clip.consent_state.value,
                "recorded_by": clip.recorded_by,
                "blur_status": clip.blur_status.value if clip.blur_status else None,
            },
        )
    flash(message, "info")
    register = url_for("privacy.consent_register", school_id=clip.school_id)
    return redirect(safe_next(request.form.get("next"), register))


def _request_json(asked: ConsentRequest) -> dict[str, object]:
    return {
        "id": asked.id,
        "clip_id": asked.clip_id,
        "message": asked.message,
        "created_at": asked.created_at.isoformat(),
        "closed_at": asked.closed_at.isoformat() if asked.closed_at else None,
    }


def ask_consent(clip_id: int) -> ResponseReturnValue:
    """Ask the school's coordinators to record consent for the teacher's own clip."""
    asked = consent_requests.ask_for_consent(
        db(), current_user, clip_id, request.form.get("message", ""), ip=request_ip()
    )
    message = (
        "Sent: your induction coordinator will see your request in the consent register."
        if asked.created
        else "You have already asked: your induction coordinator has your request."
    )
    if wants_json():
        return jsonify(message=message, request=_request_json(asked.request)), (
            201 if asked.created else 200
        )
    flash(message, "info")
    watch = url_for("clips.watch", clip_id=clip_id, _anchor="sharing")
    return redirect(safe_next(request.form.get("next"), watch))


def close_consent_request(request_id: int) -> ResponseReturnValue:
    """Mark a request for consent done (a coordinator of its clip's school)."""
    done = consent_requests.close_request(db(), current_user, request_id, ip=request_ip())
    message = f"“{done.clip.title}”: request marked done."
    if wants_json():
        return jsonify(message=message, request=_request_json(done))
    flash(message, "info")
    register = url_for("privacy.consent_register", school_id=done.school_id)
    return redirect(safe_next(request.form.get("next"), register))
