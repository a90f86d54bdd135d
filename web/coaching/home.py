"""The coaching home pages: a mentor's mentees, an ECT's own page, everyone else's overview,
and one ECT's steps and meetings."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.clips import visibility
from service.coaching import (
    home as coaching_home,
    meetings as coaching_meetings,
    steps as coaching_steps,
)
from service.models import TEACHERS_STANDARDS, Role
from web.coaching.forms import ReflectionForm
from web.resources import db


def home() -> ResponseReturnValue:
    """Show the signed-in person's coaching home: mentees, their own cycle, or an overview."""
    if current_user.has_role(Role.MENTOR):
        mentees = coaching_home.mentor_home(db(), current_user)
        return render_template("coaching/mentor_home.html", mentees=mentees)
    if current_user.has_role(Role.ECT):
        return ect_home()
    # Coordinators, admins and reviewers: the ECTs whose coaching record they may see.
    return render_template(
        "coaching/overview.html", ects=coaching_home.visible_ects(db(), current_user)
    )


def ect_home(
    reflection_error: str | None = None, reflection_text: str | None = None
) -> ResponseReturnValue:
    """Render an ECT's own home page, with a refused reflection where there is one (400)."""
    me = current_user
    records = coaching_meetings.coaching_sessions(db(), me, me.id)
    form = ReflectionForm()
    if records and reflection_text is None:
        form.reflection.data = records[0].ect_reflection or ""
    elif reflection_text is not None:
        form.reflection.data = reflection_text
    my_clips = [c for c in visibility.visible_clips(db(), me) if c.owner_id == me.id]
    step = coaching_steps.current_step(db(), me, me.id)
    page = render_template(
        "coaching/ect_home.html",
        step=step,
        model=coaching_steps.visible_model(db(), me, step),
        feedback=coaching_home.latest_feedback(db(), me),
        clips=my_clips,
        records=records,
        form=form,
        reflection_error=reflection_error,
        standards=TEACHERS_STANDARDS,
    )
    return (page, 400) if reflection_error else page


def ect(ect_id: int) -> ResponseReturnValue:
    """Show one ECT's step timeline and meeting records."""
    person = coaching_steps.visible_ect(db(), current_user, ect_id)
    return render_template(
        "coaching/ect.html",
        ect=person,
        timeline=coaching_steps.step_timeline(db(), current_user, ect_id),
        records=coaching_meetings.coaching_sessions(db(), current_user, ect_id),
        is_mentor=policy.mentors(db(), current_user, ect_id),
        can_view_talk=policy.can_view_talk_trends(db(), current_user, ect_id),
        standards=TEACHERS_STANDARDS,
    )
