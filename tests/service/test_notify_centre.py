"""The notification centre: newest first, unread counted, read one or all, and access
checked when read: what someone may no longer see is gone, not a 404 behind a link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service import policy
from service.coaching import steps
from service.errors import NotFound
from service.models import ConsentState, Mentorship, Notification, Role, StepStatus, User
from service.notify import centre
from service.notify.centre import coaching_visibility
from service.people import pairings
from service.privacy import shares
from tests.factories import ready_clip, user

ECT = "ect1@northfield.example"
PEER = "ect2@northfield.example"
MENTOR = "mentor1@northfield.example"


def test_unread_count_list_and_marking_read(session, ctx, demo):
    mentor = user(session, MENTOR)
    first = ready_clip(session, ctx.storage, ECT, title="First")
    second = ready_clip(session, ctx.storage, ECT, title="Second")
    assert centre.unread_count(session, mentor) == 2
    page = centre.notifications(session, mentor)
    assert [n.clip_id for n in page.items] == [second.id, first.id]  # newest first
    opened = centre.open_notification(session, mentor, page.items[0].id)
    assert opened.link == f"/clips/{second.id}"
    assert centre.unread_count(session, mentor) == 1
    with pytest.raises(NotFound):  # someone else's
        centre.open_notification(session, user(session, PEER), page.items[1].id)
    assert centre.mark_all_read(session, mentor) == 1
    assert centre.unread_count(session, mentor) == 0


def test_a_pairing_ended_takes_its_notifications_away(session, ctx, demo):
    mentor, ect = user(session, MENTOR), user(session, ECT)
    ready_clip(session, ctx.storage, ECT, title="Before the end")
    data = steps.StepInput("Wait for 100%", "", ["Same signal"], "behaviour", 1)
    steps.set_action_step(session, mentor, ect.id, data, current_outcome=StepStatus.MET)
    assert centre.unread_count(session, mentor) == 1
    [item] = centre.notifications(session, mentor).items
    pairing = session.scalar(
        select(Mentorship).where(Mentorship.ect_id == ect.id, Mentorship.ended_on.is_(None))
    )
    pairings.end_pairing(session, None, pairing)
    session.commit()
    session.expire_all()
    assert centre.unread_count(session, mentor) == 0
    assert centre.notifications(session, mentor).items == []
    with pytest.raises(NotFound):
        centre.open_notification(session, mentor, item.id)
    assert centre.unread_count(session, ect) == 1  # the ECT still sees their own step


def test_a_share_revoked_takes_its_notification_away(session, ctx, demo):
    ect, peer = user(session, ECT), user(session, PEER)
    clip = ready_clip(session, ctx.storage, ECT, consent_after=ConsentState.ALL_CONSENTED)
    share = shares.share_clip(session, ect, clip.id, peer.id, days=7)
    assert centre.unread_count(session, peer) == 1
    shares.revoke_share(session, ect, share.id, clip_id=clip.id)
    session.expire_all()
    assert centre.unread_count(session, peer) == 0
    assert centre.notifications(session, peer).items == []


def test_the_coaching_clause_agrees_with_the_policy(session, demo):
    people = list(session.scalars(select(User).order_by(User.id)))
    ects = [p for p in people if p.has_role(Role.ECT)]
    for viewer in people:
        for ect in ects:
            note = Notification(
                user_id=viewer.id, kind="step_set", text="t", link="/", dedupe_key=f"p{ect.id}",
                ect_id=ect.id,
            )  # fmt: skip
            session.add(note)
            session.flush()
            query = select(Notification.id).where(
                Notification.id == note.id, coaching_visibility(session, viewer)
            )
            seen = session.scalar(query) is not None
            assert seen == policy.can_view_coaching(session, viewer, ect), (viewer.email, ect.email)
    session.rollback()
