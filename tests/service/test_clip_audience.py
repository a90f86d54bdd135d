"""Who can see a clip, as its owner is told: built from the access policy itself, so the
sentence names exactly the people clip_visibility lets in, and changes when they change."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service import accounts, policy
from service.models import ClipKind, ConsentState, Mentorship, Role, User
from service.privacy import shares
from service.review import assignments
from tests import factories

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
PEER = "ect3@northfield.example"


def everyone_who_sees(session, clip) -> set[int]:
    """Ask the policy, person by person, about every account there is."""
    return {
        user.id
        for user in session.scalars(select(User))
        if policy.can_view_clip(session, user, clip)
    }


def told(session, clip) -> policy.Audience:
    audience = policy.clip_audience(session, clip)
    assert audience.people() == everyone_who_sees(session, clip)
    for person in session.scalars(select(User)):
        # Each person who can see it is named, or covered by "Coachreel's administrators".
        if person.id in audience.people() and person.id != clip.owner_id:
            assert person.name in audience.sentence() or person in audience.admins
    return audience


def test_an_ects_lesson_names_the_mentor_the_reviewer_and_the_coordinators(ctx, session, demo):
    clip = factories.ready_clip(session, ctx.storage, ECT)
    sentence = told(session, clip).sentence()
    mentor, reviewer = demo[MENTOR].name, demo["reviewer@northfield.example"].name
    assert sentence.startswith(f"Only you, your mentor {mentor}, {reviewer} (who reviews")
    assert "your induction coordinators" in sentence
    assert demo["coordinator@northfield.example"].name in sentence
    assert demo["induction-lead@northfield-trust.example"].name in sentence  # the trust's
    assert sentence.endswith("and Coachreel's administrators can see this clip.")
    # Nobody from the other school, and no other teacher of this one.
    for email in ("ect2@northfield.example", "mentor2@northfield.example"):
        assert demo[email].name not in sentence
    assert demo["coordinator@riverside.example"].name not in sentence


def test_a_new_reviewer_assignment_changes_the_sentence(ctx, session, demo):
    clip = factories.ready_clip(session, ctx.storage, ECT)
    admin = session.get(User, demo["admin@coachreel.example"].id)
    school_id = factories.school_of(session, ECT)
    newcomer = accounts.create_user(
        session,
        email="second-reviewer@northfield.example",
        name="Grace Osei",
        password_hash="!",
        role=Role.REVIEWER,
        school_id=school_id,
    )
    session.commit()
    assert "Grace Osei" not in told(session, clip).sentence()

    assignment = assignments.assign_reviewer(session, admin, newcomer.id, demo[MENTOR].id)
    sentence = told(session, clip).sentence()
    assert "Grace Osei" in sentence and "(who review your mentor's coaching)" in sentence

    assignments.end_assignment(session, admin, assignment.id)
    assert "Grace Osei" not in told(session, clip).sentence()


def test_a_share_an_ended_pairing_and_a_deactivated_coordinator(ctx, session, demo):
    clip = factories.ready_clip(session, ctx.storage, ECT, consent_state=ConsentState.ALL_CONSENTED)
    owner = session.get(User, demo[ECT].id)
    peer = demo[PEER]
    shares.share_clip(session, owner, clip.id, peer.id)
    assert f"{peer.name} (you shared it with them)" in told(session, clip).sentence()

    pairing = factories.mentorship_between(session, ECT, MENTOR)
    pairing.ended_on = date.today()
    coordinator = session.get(User, demo["coordinator@northfield.example"].id)
    coordinator.active = False
    session.commit()
    sentence = told(session, clip).sentence()
    assert demo[MENTOR].name not in sentence
    assert demo["reviewer@northfield.example"].name not in sentence  # reviews the mentor only
    assert coordinator.name not in sentence
    assert "your induction coordinator Nadia Rahman" in sentence


def test_a_model_clip_in_the_library_names_the_schools_teachers(ctx, session, demo):
    clip = factories.ready_clip(
        session, ctx.storage, MENTOR, kind=ClipKind.MODEL, consent_state=ConsentState.NO_PUPILS
    )
    assert "(who reviews your coaching)" in told(session, clip).sentence()
    clip.shareable = True
    session.commit()
    audience = told(session, clip)
    assert {u.email for u in audience.teachers} >= {PEER, "mentor2@northfield.example"}


def test_every_pairing_keeps_the_sentence_exact(ctx, session, demo):
    # Every ECT's lesson, whatever their mentor and school: the words match the rule.
    for pairing in session.scalars(select(Mentorship)):
        ect = session.get(User, pairing.ect_id)
        told(session, factories.ready_clip(session, ctx.storage, ect.email))
