"""The audit log: what is recorded, who may read it, and that it cannot be changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service import auditlog
from service.models import AuditAction, AuditEvent
from tests.factories import ready_clip, user

NORTH_ECT = "ect1@northfield.example"
RIVER_ECT = "ect1@riverside.example"


def test_a_view_is_recorded_once_per_window(ctx, session, demo):
    clip = ready_clip(session, ctx.storage, NORTH_ECT)
    mentor = user(session, "mentor1@northfield.example")
    first = auditlog.record_view(session, mentor, clip, how="watch page", ip="10.0.0.7")
    session.commit()
    assert first is not None
    assert (first.actor_id, first.clip_id, first.subject_id) == (mentor.id, clip.id, clip.owner_id)
    assert first.school_id == clip.school_id and first.ip == "10.0.0.7"
    assert auditlog.record_view(session, mentor, clip, how="video") is None
    # Someone else's view, and a view after the window, are new events.
    ect = user(session, NORTH_ECT)
    assert auditlog.record_view(session, ect, clip, how="watch page") is not None
    session.execute(
        AuditEvent.__table__.update().values(at=first.at - auditlog.VIEW_WINDOW - timedelta(1))
    )
    assert auditlog.record_view(session, mentor, clip, how="watch page") is not None


def test_events_cannot_be_changed_or_deleted(ctx, session, demo):
    clip = ready_clip(session, ctx.storage, NORTH_ECT)
    event = auditlog.record_view(session, user(session, NORTH_ECT), clip, how="watch page")
    session.commit()
    event.detail = "nothing to see"
    with pytest.raises(ValueError, match="cannot be changed"):
        session.commit()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(ValueError, match="cannot be deleted"):
        session.commit()
    session.rollback()
    assert session.get(AuditEvent, event.id).detail.startswith("watch page")


def test_readers_see_the_events_of_the_schools_they_audit(ctx, session, demo):
    north = ready_clip(session, ctx.storage, NORTH_ECT, title="North lesson")
    river = ready_clip(session, ctx.storage, RIVER_ECT, title="River lesson")
    auditlog.record_view(session, user(session, NORTH_ECT), north, how="watch page")
    auditlog.record_view(session, user(session, RIVER_ECT), river, how="watch page")
    session.commit()

    def seen(email: str, **filters) -> set[int]:
        page = auditlog.browse(session, user(session, email), **filters)
        return {e.clip_id for e in page.events}

    assert seen("coordinator@northfield.example") == {north.id}
    assert seen("coordinator@riverside.example") == {river.id}
    assert seen("induction-lead@northfield-trust.example") == {north.id, river.id}
    assert seen("admin@coachreel.example") == {north.id, river.id}
    assert seen("admin@coachreel.example", clip_id=river.id) == {river.id}
    assert seen("admin@coachreel.example", person_id=user(session, NORTH_ECT).id) == {north.id}
    assert seen("admin@coachreel.example", action=AuditAction.EXPORT) == set()
    # Mentors, reviewers and ECTs do not audit anything.
    assert seen("mentor1@northfield.example") == set()


def test_browse_pages_from_newest_to_oldest(ctx, session, demo):
    clip = ready_clip(session, ctx.storage, NORTH_ECT)
    admin = user(session, "admin@coachreel.example")
    ids = [
        auditlog.record(session, admin, AuditAction.EXPORT, clip_id=clip.id, detail=str(n)).id
        for n in range(5)
    ]
    session.commit()
    first = auditlog.browse(session, admin, limit=2)
    assert [e.id for e in first.events] == ids[:-3:-1]
    second = auditlog.browse(session, admin, limit=2, before_id=first.older)
    assert [e.id for e in second.events] == ids[2:0:-1]
    last = auditlog.browse(session, admin, limit=2, before_id=second.older)
    assert [e.id for e in last.events] == ids[:1] and last.older is None


def test_each_kind_of_read_is_recorded_once_per_window(ctx, session, demo):
    clip = ready_clip(session, ctx.storage, NORTH_ECT, title="Plenary")
    mentor = user(session, "mentor1@northfield.example")
    view = AuditAction.VIEW_CLIP
    words = AuditAction.DOWNLOAD_TRANSCRIPT
    assert auditlog.record_access(session, mentor, clip, view, detail="video") is not None
    assert auditlog.record_access(session, mentor, clip, words, detail="json") is not None
    assert auditlog.record_access(session, mentor, clip, words, detail="captions") is None
    assert auditlog.record_access(session, mentor, clip, view, detail="poster") is None


def test_filters_are_named_only_within_the_readers_log(ctx, session, demo):
    north = ready_clip(session, ctx.storage, NORTH_ECT, title="North lesson")
    river = ready_clip(session, ctx.storage, RIVER_ECT, title="River lesson")
    north_ect, river_ect = user(session, NORTH_ECT), user(session, RIVER_ECT)
    auditlog.record_view(session, north_ect, north, how="watch page")
    auditlog.record_view(session, river_ect, river, how="watch page")
    session.commit()

    def names(email: str, clip_id: int, person_id: int) -> tuple[str | None, str | None]:
        found = auditlog.filter_names(
            session, user(session, email), clip_id=clip_id, person_id=person_id
        )
        return found.clip_title, found.person_name

    coordinator = "coordinator@northfield.example"
    assert names(coordinator, north.id, north_ect.id) == ("North lesson", north_ect.name)
    assert names(coordinator, river.id, river_ect.id) == (None, None)
    assert names(coordinator, 999_999, 999_999) == (None, None)
    assert names("admin@coachreel.example", river.id, river_ect.id) == (
        "River lesson",
        river_ect.name,
    )
    assert names("mentor1@northfield.example", north.id, north_ect.id) == (None, None)
