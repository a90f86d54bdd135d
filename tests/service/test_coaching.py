"""The coaching cycle's use cases on this backend: steps, libraries, rehearsals, sessions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.clips import visibility
from service.coaching import (
    home as coaching_home,
    library as coaching_library,
    meetings,
    model_clips,
    rehearsals,
    steps,
)
from service.coaching.meetings import SessionInput
from service.coaching.steps import StepInput
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import ActionStep, ClipKind, ConsentState, StepStatus
from tests.factories import ready_clip, upload, user

NO_PUPILS = ConsentState.NO_PUPILS

MENTOR, ECT, ECT_Y2 = (
    "mentor1@northfield.example",
    "ect1@northfield.example",
    "ect2@northfield.example",
)
OTHER_MENTOR = "mentor2@northfield.example"


def step_input(**changes) -> StepInput:
    values = dict(
        title="Circulate to check every pupil has started within 2 minutes",
        why="Pupils who stall early lose the whole task.",
        criteria=["Start circulating within 30 seconds", "Visit every table"],
        strand="behaviour",
        standard=7,
    )
    values.update(changes)
    return StepInput(**values)


def test_step_lifecycle_with_repeat_and_move_on_history(session, demo):
    mentor, ect = user(session, MENTOR), user(session, ECT)
    first = steps.set_action_step(session, mentor, ect.id, step_input())
    assert first.status == StepStatus.ACTIVE
    assert first.review_on == date.today() + timedelta(days=7)  # year 1: weekly
    again = steps.repeat_action_step(session, mentor, first.id)
    assert session.get(ActionStep, first.id).status == StepStatus.REPEATED
    assert again.previous_step_id == first.id and again.criteria == first.criteria
    assert steps.current_step(session, ect, ect.id).id == again.id
    steps.close_action_step(session, mentor, again.id, StepStatus.MOVED_ON)
    assert steps.current_step(session, ect, ect.id) is None
    with pytest.raises(InvalidInput, match="Only an active step"):
        steps.close_action_step(session, mentor, again.id, StepStatus.MET)
    timeline = steps.step_timeline(session, ect, ect.id)
    assert [(e.step.id, e.step.status) for e in timeline] == [
        (again.id, StepStatus.MOVED_ON),
        (first.id, StepStatus.REPEATED),
    ]


def test_year_two_steps_default_to_a_fortnight(session, demo):
    step = steps.set_action_step(
        session, user(session, MENTOR), user(session, ECT_Y2).id, step_input()
    )
    assert step.review_on == date.today() + timedelta(days=14)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "  "}, "short title"),
        ({"criteria": []}, "at least one"),
        ({"criteria": ["a", "b", "c", "d", "e", "f"]}, "at most 5"),
        ({"strand": "wellbeing"}, "ECF strand"),
        ({"standard": 9}, "Teachers' Standard"),
        ({"review_on": date.today() - timedelta(days=1)}, "in the past"),
    ],
)
def test_bad_steps_are_refused_clearly(session, demo, changes, message):
    with pytest.raises(InvalidInput, match=message):
        steps.set_action_step(
            session, user(session, MENTOR), user(session, ECT).id, step_input(**changes)
        )


def test_only_the_ects_mentor_sets_and_changes_steps(session, demo):
    ect = user(session, ECT)
    with pytest.raises(NotFound):  # another mentor does not even see this ECT's record
        steps.set_action_step(session, user(session, OTHER_MENTOR), ect.id, step_input())
    with pytest.raises(Forbidden):  # the coordinator sees it but does not set steps
        steps.set_action_step(
            session, user(session, "coordinator@northfield.example"), ect.id, step_input()
        )
    step = steps.set_action_step(session, user(session, MENTOR), ect.id, step_input())
    for email in (OTHER_MENTOR, "mentor1@riverside.example"):
        with pytest.raises((Forbidden, NotFound)):
            steps.edit_action_step(
                session, user(session, email), step.id, step_input(title="Hijack")
            )
    with pytest.raises(NotFound):  # not even visible to a mentor of another school
        steps.get_step(session, user(session, "mentor1@riverside.example"), step.id)
    assert steps.get_step(session, user(session, "coordinator@northfield.example"), step.id)
    edited = steps.edit_action_step(
        session, user(session, MENTOR), step.id, step_input(title="Circulate in the first minute")
    )
    assert edited.title == "Circulate in the first minute"


def test_library_is_per_school_and_searchable(session, demo):
    mentor = user(session, MENTOR)
    with pytest.raises(InvalidInput, match="ECF strand"):
        coaching_library.search_library(session, mentor, strand="wellbeing")
    seeded = len(coaching_library.search_library(session, mentor))
    coaching_library.save_to_library(session, mentor, step_input(title="Narrate the positive"))
    coaching_library.save_to_library(
        session,
        mentor,
        step_input(
            title="Turn and talk with a sentence stem",
            strand="instruction",
            standard=5,
            criteria=["Give the stem", "Time it: 60 seconds"],
        ),
    )
    with pytest.raises(InvalidInput, match="already has"):
        coaching_library.save_to_library(session, mentor, step_input(title="Narrate the positive"))
    assert len(coaching_library.search_library(session, mentor)) == seeded + 2
    found = coaching_library.search_library(session, mentor, strand="instruction", standard=5)
    assert [t.title for t in found] == ["Turn and talk with a sentence stem"]
    assert all(
        t.standard == 7 for t in coaching_library.search_library(session, mentor, standard=7)
    )
    assert [
        t.title for t in coaching_library.search_library(session, mentor, text="sentence stem")
    ] == ["Turn and talk with a sentence stem"]
    riverside = coaching_library.search_library(session, user(session, "mentor1@riverside.example"))
    assert "Narrate the positive" not in {t.title for t in riverside}
    template = coaching_library.search_library(session, mentor, text="turn and talk")[0]
    start = coaching_library.step_from_template(session, mentor, template.id)
    step = steps.set_action_step(session, mentor, user(session, ECT).id, start)
    assert step.title == "Turn and talk with a sentence stem" and step.standard == 5
    with pytest.raises(NotFound):
        coaching_library.step_from_template(
            session, user(session, "mentor1@riverside.example"), template.id
        )


def test_model_clips_mentor_may_share_and_attach(ctx, session, demo):
    mentor, other = user(session, MENTOR), user(session, OTHER_MENTOR)
    ect = user(session, ECT)
    own = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling circulation",
        consent_state=NO_PUPILS,
    )
    theirs = ready_clip(
        session,
        ctx.storage,
        OTHER_MENTOR,
        kind=ClipKind.MODEL,
        title="Private model",
        consent_state=NO_PUPILS,
    )
    step = steps.set_action_step(session, mentor, ect.id, step_input(model_clip_id=own.id))
    assert step.model_clip_id == own.id
    # The ECT may watch the model attached to their step.
    assert visibility.get_visible_clip(session, ect, own.id).id == own.id
    with pytest.raises(InvalidInput, match="model clip cannot be used"):
        steps.edit_action_step(session, mentor, step.id, step_input(model_clip_id=theirs.id))
    model_clips.share_model_clip(
        session,
        other,
        theirs.id,
        shareable=True,
        strand="behaviour",
        standard=7,
        phase="KS3 science",
    )
    edited = steps.edit_action_step(session, mentor, step.id, step_input(model_clip_id=theirs.id))
    assert edited.model_clip_id == theirs.id
    library = model_clips.model_library(session, mentor, strand="behaviour", phase="ks3")
    assert [c.id for c in library] == [theirs.id]
    assert model_clips.model_library(session, user(session, "mentor1@riverside.example")) == []
    with pytest.raises(Forbidden):
        model_clips.share_model_clip(
            session, mentor, theirs.id, shareable=False, strand=None, standard=None, phase=None
        )


def test_a_model_clip_without_consent_that_allows_sharing_never_reaches_the_ect(ctx, session, demo):
    mentor, ect = user(session, MENTOR), user(session, ECT)
    unrecorded = ready_clip(
        session, ctx.storage, MENTOR, kind=ClipKind.MODEL, title="Modelling, consent unknown"
    )
    consented = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling, no pupils",
        consent_state=NO_PUPILS,
    )
    # Attaching: refused, saying what is missing; the form offers only the consented one.
    with pytest.raises(InvalidInput, match="ask your induction coordinator to record consent"):
        steps.set_action_step(session, mentor, ect.id, step_input(model_clip_id=unrecorded.id))
    choices = model_clips.attachable_models(session, mentor)
    assert [c.id for c in choices.offered] == [consented.id]
    assert [c.id for c in choices.held_back] == [unrecorded.id]
    # Seeing through a step: a model attached while its consent allowed it is hidden from the
    # ECT once the consent record no longer does.
    step = steps.set_action_step(session, mentor, ect.id, step_input(model_clip_id=consented.id))
    assert visibility.get_visible_clip(session, ect, consented.id).id == consented.id
    assert steps.visible_model(session, ect, step).id == consented.id
    consented.consent_state = ConsentState.NOT_RECORDED
    session.commit()
    with pytest.raises(NotFound):
        visibility.get_visible_clip(session, ect, consented.id)
    assert steps.visible_model(session, ect, step) is None
    assert steps.step_timeline(session, ect, ect.id)[0].model is None
    # The mentor may still edit the step without choosing again; the ECT still cannot see it.
    edited = steps.edit_action_step(
        session, mentor, step.id, step_input(title="Circulate", model_clip_id=consented.id)
    )
    assert edited.model_clip_id == consented.id
    with pytest.raises(NotFound):
        visibility.get_visible_clip(session, ect, consented.id)


def test_rehearsals_are_numbered_attempts_at_the_ects_own_step(ctx, session, demo):
    mentor, ect = user(session, MENTOR), user(session, ECT)
    step = steps.set_action_step(session, mentor, ect.id, step_input())
    first = ready_clip(session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, step_id=step.id)
    second = ready_clip(session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, step_id=step.id)
    assert (first.attempt, second.attempt) == (1, 2)
    with pytest.raises(InvalidInput, match="your own action steps"):
        upload(session, ctx.storage, ECT_Y2, b"x", kind=ClipKind.REHEARSAL, step_id=step.id)
    assert ctx.storage.keys() == sorted(ctx.storage.keys())  # nothing stored for the refusal
    assert not any(k.startswith("clips/3/") for k in ctx.storage.keys())

    rehearsals.tick_criterion(session, mentor, second.id, 1, True)
    rehearsals.tick_criterion(session, mentor, second.id, 0, True)
    rehearsals.tick_criterion(session, mentor, second.id, 0, False)
    view = rehearsals.rehearsal_view(session, ect, second.id)
    assert view.ticked == {1} and [c.attempt for c in view.attempts] == [1, 2]
    with pytest.raises(InvalidInput, match="not part of the step"):
        rehearsals.tick_criterion(session, mentor, second.id, 5, True)
    with pytest.raises(Forbidden):
        rehearsals.tick_criterion(
            session, user(session, "coordinator@northfield.example"), second.id, 0, True
        )


def test_session_record_and_reflection(ctx, session, demo):
    mentor, ect = user(session, MENTOR), user(session, ECT)
    lesson = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON)
    step = steps.set_action_step(session, mentor, ect.id, step_input())
    record = meetings.record_session(
        session,
        mentor,
        ect.id,
        SessionInput(
            held_on=date.today(),
            praise="Your countdown was crisp.",
            step_id=step.id,
            practice_rounds=3,
            practice_notes="Third round: circulated within 20 s.",
            observation_clip_ids=[lesson.id],
        ),
    )
    assert [c.id for c in record.observation_clips] == [lesson.id]
    with pytest.raises(InvalidInput, match="in the future"):
        meetings.record_session(
            session, mentor, ect.id, SessionInput(held_on=date.today() + timedelta(days=2))
        )
    with pytest.raises(InvalidInput, match="own clips"):
        other = ready_clip(session, ctx.storage, ECT_Y2, kind=ClipKind.LESSON)
        meetings.record_session(
            session,
            mentor,
            ect.id,
            SessionInput(held_on=date.today(), observation_clip_ids=[other.id]),
        )
    with pytest.raises(Forbidden):
        meetings.add_reflection(session, mentor, record.id, "I think...")
    meetings.add_reflection(session, ect, record.id, "I will start circulating sooner.")
    sessions = meetings.coaching_sessions(
        session, user(session, "coordinator@northfield.example"), ect.id
    )
    assert sessions[0].ect_reflection == "I will start circulating sooner."
    with pytest.raises(NotFound):
        meetings.coaching_sessions(session, user(session, "coordinator@riverside.example"), ect.id)


def test_coordinators_see_the_ects_of_their_school_or_trust(session, demo):
    names = {
        u.email
        for u in coaching_home.visible_ects(
            session, user(session, "coordinator@northfield.example")
        )
    }
    assert names == {
        "ect1@northfield.example",
        "ect2@northfield.example",
        "ect3@northfield.example",
    }
    everyone = coaching_home.visible_ects(
        session, user(session, "induction-lead@northfield-trust.example")
    )
    assert len(everyone) == 6
    # The school's reviewer reviews both its mentors, so sees their ECTs' records.
    reviewed = coaching_home.visible_ects(session, user(session, "reviewer@northfield.example"))
    assert {u.email for u in reviewed} == names
    assert coaching_home.visible_ects(session, user(session, "ect1@northfield.example")) == [
        user(session, "ect1@northfield.example")
    ]


def test_each_role_counts_only_in_its_own_school(session, demo):
    from service import policy
    from service.models import Membership, Role

    northfield = user(session, ECT).memberships[0].school_id
    riverside_ects = {"ect1@riverside.example", "ect2@riverside.example", "ect3@riverside.example"}
    # A coordinator at Riverside who is also a reviewer at Northfield, assigned to nobody there.
    coordinator = user(session, "coordinator@riverside.example")
    coordinator.memberships.append(Membership(role=Role.REVIEWER, school_id=northfield))
    # A mentor at Northfield (of its ECT 3) who also coordinates induction at Riverside.
    mentor = user(session, "mentor2@northfield.example")
    riverside = user(session, "ect1@riverside.example").memberships[0].school_id
    mentor.memberships.append(Membership(role=Role.COORDINATOR, school_id=riverside))
    session.commit()
    ect = user(session, ECT)  # mentored by mentor1, not mentor2
    for person in (coordinator, mentor):
        assert not policy.can_view_coaching(session, person, ect)
        with pytest.raises(NotFound):
            meetings.coaching_sessions(session, person, ect.id)
        assert northfield not in policy.audited_school_ids(session, person)
    assert {u.email for u in coaching_home.visible_ects(session, coordinator)} == riverside_ects
    assert {u.email for u in coaching_home.visible_ects(session, mentor)} == riverside_ects | {
        "ect3@northfield.example"  # mentor2's own mentee
    }


def test_mentor_home_lists_ects_steps_and_clips_awaiting_feedback(ctx, session, demo):
    mentor = user(session, MENTOR)
    older = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON, title="older")
    newer = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON, title="newer")
    step = steps.set_action_step(session, mentor, user(session, ECT).id, step_input())
    home = {s.ect.email: s for s in coaching_home.mentor_home(session, mentor)}
    assert set(home) == {ECT, ECT_Y2}
    assert home[ECT].step.id == step.id and home[ECT].induction_year == 1
    assert [c.id for c in home[ECT].awaiting_feedback] == [older.id, newer.id]
    assert home[ECT_Y2].step is None and home[ECT_Y2].awaiting_feedback == []
