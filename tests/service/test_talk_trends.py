"""Talk trends: an ECT's figures across clips, the steps marked on them, before/after medians,
and nobody but the ECT (and a mentor they shared with) seeing them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from service.errors import NotFound
from service.models import Clip, ClipKind, ClipStatus
from service.talk import trends as talk_trends
from service.talk.figures import share_with_mentor
from tests.factories import base_day, mentorship_between, step_on, talk_clip, user

ECT, OTHER_ECT = "ect1@northfield.example", "ect2@northfield.example"
MENTOR = "mentor1@northfield.example"


@pytest.fixture
def story(ctx, session, demo) -> dict:
    """Six clips over three weeks around two steps (day 10: wait time; day 20: cold call),
    plus clips that must never be charted."""
    ect = user(session, ECT)
    d0 = base_day()
    day = {n: d0 + timedelta(days=n) for n in range(30)}
    rehearsal = ClipKind.REHEARSAL

    def clip(n: int, title: str, **kwargs) -> Clip:
        return talk_clip(session, ctx.storage, ECT, day[n], title=title, **kwargs)

    clips = [
        clip(0, "Y8 fractions", wait=0.8),
        clip(3, "Wait drill", kind=rehearsal, wait=1.0),
        clip(6, "Y9 ratio", wait=None),
        clip(12, "Y8 decimals", duration=120, questions=2, wait=2.9),
        clip(15, "Wait again", kind=rehearsal, wait=3.5),
        clip(21, "Y7 angles", wait=4.0),
    ]
    # Never charted: another ECT's lesson, a model clip, a clip not ready.
    other = talk_clip(session, ctx.storage, OTHER_ECT, day[5], title="Not mine", wait=9.0)
    model = clip(7, "As a model", wait=9.0)
    model.kind = ClipKind.MODEL
    broken = clip(8, "Failed", wait=9.0)
    broken.status = ClipStatus.FAILED
    session.commit()
    steps = [
        step_on(session, MENTOR, ect.id, "Wait three seconds after asking", day[10]),
        step_on(session, MENTOR, ect.id, "Cold call after the wait", day[20]),
    ]
    return {"ect": ect, "clips": clips, "steps": steps, "excluded": [other, model, broken]}


def test_points_are_the_ects_own_ready_lessons_and_rehearsals_in_date_order(session, story):
    trends = talk_trends.trends_for(session, story["ect"], story["ect"].id)
    assert [p.clip_id for p in trends.points] == [c.id for c in story["clips"]]
    assert [p.kind for p in trends.points] == [
        "lesson", "rehearsal", "lesson", "lesson", "rehearsal", "lesson",
    ]  # fmt: skip
    excluded = {c.id for c in story["excluded"]}
    assert not excluded & {p.clip_id for p in trends.points}
    assert trends.viewer_is_ect and trends.ect_name == story["ect"].name


def test_figures_per_point_and_questions_per_ten_minutes(session, story):
    trends = talk_trends.trends_for(session, story["ect"], story["ect"].id)
    first, _, quiet, longer, *_ = trends.points
    # One question in 60 s is 10 per 10 minutes; two in 120 s the same, though twice as many.
    assert first.value("questions_per_10") == pytest.approx(10.0)
    assert longer.value("questions_per_10") == pytest.approx(10.0)
    assert first.value("median_wait") == pytest.approx(0.8)
    assert quiet.value("median_wait") is None  # no question, so no wait: simply absent
    assert quiet.value("questions_per_10") == 0.0
    # 4 words over 2 s of speech (two 1 s sentences), in a 60 s clip.
    assert first.value("talk_share") == pytest.approx(2 / 60 * 100)
    assert first.value("words_per_minute") == pytest.approx(120.0)
    # A 0.8 s wait is shorter than the 2 s that ends a stretch: question to answer is one.
    assert first.value("longest_stretch") == pytest.approx(2.8)
    # No speaker split anywhere: the teacher's share is not charted.
    assert "teacher_share" not in [f.key for f in trends.figures]
    assert [f.key for f in trends.figures] == [
        "talk_share", "longest_stretch", "questions_per_10", "median_wait", "words_per_minute",
    ]  # fmt: skip


def test_steps_are_marked_on_the_day_they_were_set(session, story):
    trends = talk_trends.trends_for(session, story["ect"], story["ect"].id)
    d0 = base_day()
    assert [(s.number, s.title, s.set_on) for s in trends.steps] == [
        (1, "Wait three seconds after asking", d0 + timedelta(days=10)),
        (2, "Cold call after the wait", d0 + timedelta(days=20)),
    ]


def test_before_and_since_each_step_are_medians_with_counts(session, story):
    trends = talk_trends.trends_for(session, story["ect"], story["ect"].id)
    first, second = trends.summaries
    wait = next(c for c in first.comparisons if c.figure.key == "median_wait")
    # Before day 10: waits 0.8 and 1.0 (the quiet lesson has none); days 10-19: 2.9 and 3.5.
    assert (wait.before, wait.before_count) == (pytest.approx(0.9), 2)
    assert (wait.since, wait.since_count) == (pytest.approx(3.2), 2)
    assert wait.text == "Wait after questions: 0.9 s before (2 clips) → 3.2 s since (2 clips)"
    assert first.until == second.mark.set_on
    talk = next(c for c in first.comparisons if c.figure.key == "talk_share")
    assert (talk.before_count, talk.since_count) == (3, 2)
    # Since the second step (the latest): everything before day 20, then day 21 alone.
    wait = next(c for c in second.comparisons if c.figure.key == "median_wait")
    assert (wait.before, wait.before_count) == (pytest.approx(1.95), 4)
    assert (wait.since, wait.since_count) == (pytest.approx(4.0), 1)
    assert second.until is None
    assert "4.0 s since (1 clip)" in wait.text


def test_nobody_else_sees_the_figures(session, story):
    ect_id = story["ect"].id
    for email in (
        "coordinator@northfield.example",
        "induction-lead@northfield-trust.example",
        "reviewer@northfield.example",
        "admin@coachreel.example",
        "mentor2@northfield.example",
        OTHER_ECT,
        MENTOR,  # until the ECT shares with them
    ):
        with pytest.raises(NotFound):
            talk_trends.trends_for(session, user(session, email), ect_id)
    with pytest.raises(NotFound):
        talk_trends.trends_for(session, story["ect"], 10**6)


def test_the_mentor_sees_them_while_shared(session, story):
    ect, mentor = story["ect"], user(session, MENTOR)
    pairing = mentorship_between(session, ECT, MENTOR)
    share_with_mentor(session, ect, pairing.id, True)
    trends = talk_trends.trends_for(session, mentor, ect.id)
    assert len(trends.points) == 6 and not trends.viewer_is_ect
    # Sharing one ECT's figures shows nothing of the mentor's other ECT.
    with pytest.raises(NotFound):
        talk_trends.trends_for(session, mentor, user(session, OTHER_ECT).id)
    share_with_mentor(session, ect, pairing.id, False)
    with pytest.raises(NotFound):
        talk_trends.trends_for(session, mentor, ect.id)


def test_no_figures_yet(session, demo):
    ect = user(session, ECT)
    trends = talk_trends.trends_for(session, ect, ect.id)
    assert trends.empty and trends.summaries == ()
    # A clip without a transcript yet is no point either.
    assert session.scalar(select(Clip).where(Clip.owner_id == ect.id)) is None
