"""`coachreel seed` / `make demo`: the demo organisation, a processed sample and a history."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from service.demo.history import GAP_ECT, MISSED_FORMAL_ECT, TALK_SHARING_ECT
from service.induction.terms import SchoolCalendar
from service.models import (
    ActionStep,
    Clip,
    ClipStatus,
    ClipTalk,
    CoachingSession,
    Mentorship,
    Observation,
    ReviewNote,
    School,
    SessionReview,
    StepStatus,
    User,
)
from web.cli import _seed


def test_the_demo_has_a_term_of_coaching_with_gaps_to_find(ctx, settings):
    logins = _seed(settings)
    assert len(logins) == 16  # an admin, a trust coordinator, seven people per school
    with ctx.sessions() as session:
        calendar = SchoolCalendar()
        today = calendar.today()
        first_term = calendar.year(calendar.academic_year_of(today))[0]
        ects = session.scalars(select(User).where(User.email.like("ect%"))).all()
        assert len(ects) == 6
        for ect in ects:
            sessions = session.scalars(
                select(CoachingSession.held_on).where(CoachingSession.ect_id == ect.id)
            ).all()
            assert sessions and max(sessions) < today
            active = session.scalars(
                select(ActionStep).where(
                    ActionStep.ect_id == ect.id, ActionStep.status == StepStatus.ACTIVE
                )
            ).all()
            assert len(active) == 1, ect.email
            if ect.email == GAP_ECT:
                assert max(sessions) < today - timedelta(days=21)
            formal = session.scalars(
                select(Observation.observed_on).where(Observation.ect_id == ect.id)
            ).all()
            in_first_term = [d for d in formal if first_term.contains(d)]
            if today >= first_term.starts_on + timedelta(days=21):
                assert (in_first_term == []) == (ect.email == MISSED_FORMAL_ECT), ect.email
        # The coordinator sees why the gaps matter.
        from service.induction import dashboard

        northfield, riverside = session.scalars(select(School).order_by(School.id)).all()
        rows = dashboard.dashboard_rows(session, [northfield, riverside])
        flagged = {r.ect_email: r.reasons for rows_ in rows.values() for r in rows_ if r.reasons}
        assert GAP_ECT in flagged, flagged
        # Each reviewer has annotated each mentor's first sessions; one mentor replied.
        notes = session.scalars(select(ReviewNote)).all()
        assert len(notes) == 4 * 3 and sum(len(n.replies) for n in notes) == 4
        assert session.scalar(select(func.count(SessionReview.id))) == 4 * 2
        # Every demo clip plays from the processed sample's files.
        videos = session.scalars(select(Clip.video_key).where(Clip.status == ClipStatus.READY))
        assert all(ctx.storage.exists(key) for key in set(videos))
        # Each ECT's lessons have talk figures, the wait after questions growing week by week,
        # and one ECT shares theirs with their mentor.
        for ect in ects:
            waits = session.scalars(
                select(ClipTalk.median_wait)
                .join(Clip, Clip.id == ClipTalk.clip_id)
                .where(Clip.owner_id == ect.id)
                .order_by(Clip.recorded_on)
            ).all()
            assert len(waits) == 4 and waits == sorted(waits) and waits[0] < 1 < 2.5 < waits[-1]
        shared = session.scalars(select(Mentorship).where(Mentorship.talk_shared)).all()
        assert [m.ect.email for m in shared] == [TALK_SHARING_ECT]
        before = session.scalar(select(func.count(CoachingSession.id)))
    _seed(settings)  # a second run adds nothing
    with ctx.sessions() as session:
        assert session.scalar(select(func.count(CoachingSession.id))) == before
        assert session.scalar(select(func.count(Clip.id))) == 1 + 6 * 4
