"""Coaching on coaching: the reviewer's queue, notes on a session, replies, the mentor's
"feedback on my coaching", reviewer assignments and the trust's rubric."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.errors import InvalidInput
from service.models import ReviewerAssignment, ReviewNote, ReviewReply
from service.numbers import parse_integer
from service.review import (
    assignments as review_assignments,
    mentor_feedback,
    notes,
    queue as review_queue,
    rubrics,
)
from service.review.queue import SessionUnderReview
from web.auditing import request_ip
from web.errors import wants_json
from web.formatting import moment
from web.forms import choices, optional_int, refused
from web.resources import db
from web.review.forms import AssignForm, NoteForm, ReplyForm, RubricForm


def note_json(note: ReviewNote) -> dict[str, object]:
    """Describe a review note, with its replies, for a script."""
    return {
        "id": note.id,
        "reviewer_id": note.reviewer_id,
        "mentor_id": note.mentor_id,
        "ect_id": note.ect_id,
        "session_id": note.session_id,
        "step_id": note.step_id,
        "comment_id": note.comment_id,
        "rubric_item": {"id": note.rubric_item_id, "label": note.rubric_item.label},
        "verdict": note.verdict.value,
        "body": note.body,
        "created_at": note.created_at.isoformat(),
        "replies": [reply_json(r) for r in note.replies],
        "url": url_for("review.note", note_id=note.id),
    }


def reply_json(reply: ReviewReply) -> dict[str, object]:
    """Describe a reply to a review note for a script."""
    return {
        "id": reply.id,
        "note_id": reply.note_id,
        "author_id": reply.author_id,
        "body": reply.body,
        "created_at": reply.created_at.isoformat(),
    }


def assignment_json(assignment: ReviewerAssignment) -> dict[str, object]:
    """Describe a reviewer assignment for a script."""
    return {
        "id": assignment.id,
        "reviewer_id": assignment.reviewer_id,
        "mentor_id": assignment.mentor_id,
        "assigned_at": assignment.assigned_at.isoformat(),
        "ended_at": assignment.ended_at.isoformat() if assignment.ended_at else None,
    }


# --- the reviewer's queue and one session -----------------------------------------------------


def queue() -> ResponseReturnValue:
    """Show the reviewer the meetings waiting for their review."""
    mentor_id = parse_integer(request.args.get("mentor", ""))  # only narrows the queue
    return render_template(
        "review/queue.html",
        queue=review_queue.review_queue(db(), current_user, mentor_id=mentor_id),
    )


def _note_targets(view: SessionUnderReview) -> list[tuple[str, str]]:
    targets = [("session", "The meeting record")]
    if view.step is not None:
        targets.append(("step", f"The action step: {view.step.title}"))
    for group in view.observed + view.rehearsals:
        for comment in group.comments:
            body = comment.body if len(comment.body) <= 60 else comment.body[:59] + "…"
            at = moment(comment.at_seconds, comment.end_seconds)
            label = f"Comment at {at} on {group.clip.title}: {body}"
            targets.append((f"comment:{comment.id}", label))
    return targets


def _session_page(session_id: int, form: NoteForm | None = None, message: str | None = None):
    view = review_queue.session_for_review(db(), current_user, session_id)
    form = form or NoteForm()
    form.set_choices(_note_targets(view), view.rubric)
    if not form.is_submitted():
        form.target.data = request.args.get("target", "session")
    return render_template("review/session.html", view=view, form=form, message=message)


def session(session_id: int) -> ResponseReturnValue:
    """Show a meeting under review, with the form to add a note."""
    return _session_page(session_id)


def add_note(session_id: int) -> ResponseReturnValue:
    """Add a reviewer's note on a meeting."""
    form = NoteForm()
    form.validate()
    try:
        note = notes.add_review_note(
            db(),
            current_user,
            session_id,
            target=form.target.data or "",
            rubric_item_id=form.rubric_item_id,
            verdict=form.verdict.data or "",
            body=form.body.data or "",
        )
    except InvalidInput as exc:
        return refused(exc.message, lambda m: _session_page(session_id, form, m))
    if wants_json():
        return jsonify(note=note_json(note)), 201
    flash("Note added. Mark the session reviewed when you have finished.", "info")
    return redirect(url_for("review.session", session_id=session_id, _anchor=f"note-{note.id}"))


def mark_reviewed(session_id: int) -> ResponseReturnValue:
    """Mark a meeting reviewed, taking it off the queue."""
    mark = notes.mark_reviewed(db(), current_user, session_id)
    if wants_json():
        return jsonify(session_id=session_id, reviewed_at=mark.reviewed_at.isoformat())
    flash("Marked reviewed: it has left your queue.", "info")
    return redirect(url_for("review.queue"))


# --- one note and its replies -----------------------------------------------------------------


def _note_page(note_id: int, form: ReplyForm | None = None, message: str | None = None):
    view = notes.get_note(db(), current_user, note_id)
    return render_template(
        "review/note.html", view=view, note=view.note, form=form or ReplyForm(), message=message
    )


def note(note_id: int) -> ResponseReturnValue:
    """Show a review note and its replies."""
    if wants_json():
        return jsonify(note=note_json(notes.get_note(db(), current_user, note_id).note))
    return _note_page(note_id)


def reply(note_id: int) -> ResponseReturnValue:
    """Reply to a review note."""
    form = ReplyForm()
    form.validate()
    try:
        answer = notes.reply_to_note(db(), current_user, note_id, form.body.data or "")
    except InvalidInput as exc:
        return refused(exc.message, lambda m: _note_page(note_id, form, m))
    if wants_json():
        return jsonify(reply=reply_json(answer)), 201
    flash("Reply added.", "info")
    return redirect(url_for("review.note", note_id=note_id, _anchor=f"reply-{answer.id}"))


# --- feedback on a mentor's coaching ----------------------------------------------------------


def mine() -> ResponseReturnValue:
    """Send a mentor to the feedback on their own coaching."""
    return redirect(url_for("review.mentor", mentor_id=current_user.id))


def mentor(mentor_id: int) -> ResponseReturnValue:
    """Show the feedback on a mentor's coaching."""
    feedback = mentor_feedback.mentor_feedback(db(), current_user, mentor_id)
    return render_template(
        "review/mentor.html", feedback=feedback, is_self=mentor_id == current_user.id
    )


# --- reviewer assignments ---------------------------------------------------------------------


def _assignments_page(form: AssignForm, message: str | None = None):
    view = review_assignments.assignments_view(db(), current_user)
    form.reviewer_id.choices = choices(
        [("", "Choose a reviewer")] + [(str(u.id), u.name) for u in view.reviewers]
    )
    form.mentor_id.choices = choices(
        [("", "Choose a mentor")] + [(str(u.id), u.name) for u in view.mentors]
    )
    return render_template(
        "review/assignments.html",
        view=view,
        form=form,
        message=message,
        edits_rubric=bool(rubrics.editable_rubrics(db(), current_user)),
    )


def assignments() -> ResponseReturnValue:
    """Show who reviews whom, or assign a reviewer to a mentor."""
    form = AssignForm()
    if not form.is_submitted():
        return _assignments_page(form)
    form.validate()
    try:
        assignment = review_assignments.assign_reviewer(
            db(),
            current_user,
            optional_int(form.reviewer_id.data) or 0,
            optional_int(form.mentor_id.data) or 0,
            ip=request_ip(),
        )
    except InvalidInput as exc:
        return refused(exc.message, lambda m: _assignments_page(form, m))
    if wants_json():
        return jsonify(assignment=assignment_json(assignment)), 201
    flash(f"{assignment.reviewer.name} now reviews {assignment.mentor.name}'s coaching.", "info")
    return redirect(url_for("review.assignments"))


def end_assignment(assignment_id: int) -> ResponseReturnValue:
    """End a reviewer's assignment to a mentor."""
    assignment = review_assignments.end_assignment(
        db(), current_user, assignment_id, ip=request_ip()
    )
    if wants_json():
        return jsonify(assignment=assignment_json(assignment))
    flash(
        f"{assignment.reviewer.name} no longer reviews {assignment.mentor.name}'s coaching.",
        "info",
    )
    return redirect(url_for("review.assignments"))


# --- the trust's rubric -----------------------------------------------------------------------


def _trust_param(value: str | None, editable: list[tuple[int | None, str]]) -> int | None:
    """Read ?trust= ("none": schools outside a trust); default to the first rubric offered."""
    if value == "none":
        return None
    wanted = optional_int(value)
    if wanted is None and editable:
        return editable[0][0]
    return wanted if wanted is not None else -1


def _rubric_page(trust_id: int | None, form: RubricForm, message: str | None = None):
    editable = rubrics.editable_rubrics(db(), current_user)
    rubric = rubrics.rubric_to_edit(db(), current_user, trust_id)
    return render_template(
        "review/rubric.html", rubric=rubric, editable=editable, form=form, message=message
    )


def rubric() -> ResponseReturnValue:
    """Show a trust's rubric, or apply one change to it."""
    editable = rubrics.editable_rubrics(db(), current_user)
    form = RubricForm()
    raw_trust = form.trust.data if form.is_submitted() else request.args.get("trust")
    trust_id = _trust_param(raw_trust, editable)
    if not form.is_submitted():
        return _rubric_page(trust_id, form)
    form.validate()
    change, item_id = form.change.data or "", optional_int(form.item_id.data) or 0
    try:
        if change == "add":
            item = rubrics.add_rubric_item(db(), current_user, trust_id, form.label.data or "")
        elif change == "rename":
            item = rubrics.rename_rubric_item(db(), current_user, item_id, form.label.data or "")
        elif change in ("retire", "restore"):
            item = rubrics.retire_rubric_item(
                db(), current_user, item_id, retired=change == "retire"
            )
        elif change in ("up", "down"):
            item = rubrics.move_rubric_item(
                db(), current_user, item_id, -1 if change == "up" else 1
            )
        else:
            raise InvalidInput("Please choose a change: add, rename, retire, restore or move.")
    except InvalidInput as exc:
        return refused(exc.message, lambda m: _rubric_page(trust_id, form, m))
    if wants_json():
        return jsonify(
            item={"id": item.id, "label": item.label, "position": item.position,
                  "retired": item.retired}
        )  # fmt: skip
    flash(f"Rubric updated: “{item.label}”{' retired' if item.retired else ''}.", "info")
    trust = "none" if item.trust_id is None else item.trust_id
    return redirect(url_for("review.rubric", trust=trust))
