"""A school's libraries: action-step templates to start a step from, and model clips of good
practice that mentors share."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.coaching import (
    home as coaching_home,
    library as coaching_library,
    model_clips,
)
from service.errors import InvalidInput
from service.models import TEACHERS_STANDARDS, Strand
from web.auditing import request_ip
from web.coaching.forms import STANDARD_CHOICES, STRAND_CHOICES, LibraryStepForm, criteria_inputs
from web.errors import wants_json
from web.forms import optional_int, refused, ticked
from web.resources import db

# What the strand and standard filters of both libraries offer.
FILTER_CHOICES = {
    "strands": STRAND_CHOICES,
    "standards": STANDARD_CHOICES,
    "standard_names": TEACHERS_STANDARDS,
}


def _filters() -> tuple[str | None, int | None]:
    """Read the ?strand= and ?standard= filters, dropping values that name neither."""
    strand = request.args.get("strand") or None
    if strand not in {s.value for s in Strand}:
        strand = None
    standard = optional_int(request.args.get("standard"))
    return strand, standard if standard in TEACHERS_STANDARDS else None


def _library_page(form: LibraryStepForm, criteria: list[str], message: str | None = None) -> str:
    strand, standard = _filters()
    words = request.args.get("q", "")
    is_mentor = policy.mentor_school(current_user) is not None
    return render_template(
        "coaching/library.html",
        templates=coaching_library.search_library(
            db(), current_user, strand=strand, standard=standard, text=words
        ),
        mentees=[m.ect for m in coaching_home.mentor_home(db(), current_user)] if is_mentor else [],
        is_mentor=is_mentor,
        form=form,
        criteria=criteria_inputs(criteria),
        message=message,
        filters={"strand": strand or "", "standard": standard or "", "q": words},
        **FILTER_CHOICES,
    )


def library() -> ResponseReturnValue:
    """Show the school's step library, filtered, with the form to add a step to it."""
    return _library_page(LibraryStepForm(), [])


def save_template() -> ResponseReturnValue:
    """Add a step to the school's library."""
    form = LibraryStepForm()
    form.validate()
    criteria = request.form.getlist("criteria")
    try:
        template = coaching_library.save_to_library(db(), current_user, form.to_input(criteria))
    except InvalidInput as exc:
        return refused(exc.message, lambda message: _library_page(form, criteria, message))
    if wants_json():
        return jsonify(template={"id": template.id, "title": template.title}), 201
    flash(f"“{template.title}” added to your school's library.", "info")
    return redirect(url_for("coaching.library"))


def models() -> ResponseReturnValue:
    """Show the school's model clips, filtered."""
    strand, standard = _filters()
    phase = request.args.get("phase", "")
    return render_template(
        "coaching/models.html",
        clips=model_clips.model_library(
            db(), current_user, strand=strand, standard=standard, phase=phase
        ),
        filters={"strand": strand or "", "standard": standard or "", "phase": phase},
        is_mentor=policy.mentor_school(current_user) is not None,
        **FILTER_CHOICES,
    )


def share_model(clip_id: int) -> ResponseReturnValue:
    """Share a clip in the school's model library (or stop), with its tags."""
    raw_standard = (request.form.get("standard") or "").strip()
    clip = model_clips.share_model_clip(
        db(),
        current_user,
        clip_id,
        shareable=ticked(request.form.get("shareable")),
        strand=request.form.get("strand") or None,
        standard=(optional_int(raw_standard) or 0) if raw_standard else None,
        phase=request.form.get("phase") or None,
        ip=request_ip(),
    )
    if wants_json():
        return jsonify(
            clip={
                "id": clip.id,
                "shareable": clip.shareable,
                "strand": clip.strand,
                "standard": clip.standard,
                "phase": clip.phase,
            }
        )
    flash(
        f"“{clip.title}” is {'shared in' if clip.shareable else 'no longer in'} "
        "your school's model library.",
        "info",
    )
    return redirect(url_for("coaching.models"))
