"""Shares: an ECT lends one clip to a named colleague for a while, renews it, revokes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from service import policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.feedback import comments
from service.models import (
    AuditAction,
    AuditEvent,
    Clip,
    ClipKind,
    ClipShare,
    ConsentState,
    User,
    utcnow,
)
from service.privacy import shares
from tests.factories import ready_clip, user

ECT = "ect1@northfield.example"  # Sam Taylor, mentored by mentor1
PEER = "ect2@northfield.example"  # Aisha Begum
OTHER_PEER = "ect3@northfield.example"  # Tom Wright, mentored by mentor2
MENTOR = "mentor1@northfield.example"  # Daniel Okafor, the owner's mentor
OTHER_MENTOR = "mentor2@northfield.example"  # Helen Marsh
REVIEWER = "reviewer@northfield.example"
COORDINATOR = "coordinator@northfield.example"
OTHER_SCHOOL_ECT = "ect1@riverside.example"


def _clip(session, ctx, consent=ConsentState.ALL_CONSENTED, title="Year 8 fractions") -> Clip:
    return ready_clip(session, ctx.storage, ECT, title=title, consent_after=consent)


def _sees(session, user: User, clip: Clip) -> bool:
    return policy.can_view_clip(session, user, clip)


def _events(session, action: AuditAction) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(session.scalars(query))


@pytest.fixture
def ect(session, demo) -> User:
    return user(session, ECT)


@pytest.fixture
def peer(session, demo) -> User:
    return user(session, PEER)


def test_a_colleague_sees_the_shared_clip_and_nothing_else_of_the_ect(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    other = _clip(session, ctx, title="Another lesson")
    assert not _sees(session, peer, clip)
    now = utcnow()
    share = shares.share_clip(session, ect, clip.id, peer.id, ip="10.0.0.7", now=now)
    assert share.expires_at == now + timedelta(days=shares.DEFAULT_DAYS)
    assert share.shared_by_id == ect.id and share.revoked_at is None
    assert _sees(session, peer, clip)
    assert not _sees(session, peer, other)
    assert not policy.can_comment(session, peer, clip)
    assert not policy.can_view_coaching(session, peer, ect)
    assert [lent.clip.id for lent in shares.shared_with_me(session, peer)] == [clip.id]
    assert shares.received_share(session, peer, clip) == share
    assert shares.received_share(session, peer, other) is None
    # Nobody else gains anything from it.
    assert not _sees(session, user(session, OTHER_PEER), clip)
    assert not _sees(session, user(session, OTHER_MENTOR), clip)
    (event,) = _events(session, AuditAction.SHARE_CLIP)
    assert (event.actor_id, event.subject_id, event.clip_id) == (ect.id, peer.id, clip.id)
    assert event.school_id == clip.school_id and event.ip == "10.0.0.7"
    assert "Aisha Begum" in event.detail
    assert f"{share.expires_at:%Y-%m-%d %H:%M}" in event.detail


def test_a_share_ends_when_it_expires(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    start = utcnow()
    shares.share_clip(session, ect, clip.id, peer.id, 1, now=start)
    later = start + timedelta(days=1, seconds=1)
    assert shares.shared_with_me(session, peer, now=start + timedelta(hours=23)) != []
    assert shares.shared_with_me(session, peer, now=later) == []
    lent = select(Clip.id).where(policy.shared_with(peer, now=later))
    assert session.scalars(lent).all() == []
    # The owner still sees it listed as ended for two weeks, then it drops off the list.
    (ended,) = shares.shares_of(session, ect, clip.id, now=later)
    assert not shares.is_running(ended, later)
    assert shares.shares_of(session, ect, clip.id, now=later + timedelta(days=15)) == []
    # Sharing again after it ended starts a new share.
    again = shares.share_clip(session, ect, clip.id, peer.id, 7, now=later)
    assert again.id != ended.id
    assert [s.id for s in shares.shares_of(session, ect, clip.id, now=later)] == [
        again.id,
        ended.id,
    ]


def test_revoking_ends_the_share_at_once_and_twice_changes_nothing(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    share = shares.share_clip(session, ect, clip.id, peer.id, 28)
    revoked = shares.revoke_share(session, ect, share.id, ip="10.0.0.8")
    assert revoked.revoked_at is not None
    assert not _sees(session, peer, clip)
    assert shares.shared_with_me(session, peer) == []
    first = revoked.revoked_at
    assert shares.revoke_share(session, ect, share.id).revoked_at == first
    (event,) = _events(session, AuditAction.REVOKE_SHARE)
    assert (event.actor_id, event.subject_id, event.clip_id) == (ect.id, peer.id, clip.id)
    assert "Aisha Begum" in event.detail and event.ip == "10.0.0.8"
    (listed,) = shares.shares_of(session, ect, clip.id)
    assert listed.id == share.id and not shares.is_running(listed)


def test_sharing_again_renews_the_running_share_instead_of_adding_one(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    start = utcnow()
    first = shares.share_clip(session, ect, clip.id, peer.id, 1, now=start)
    renewed = shares.share_clip(session, ect, clip.id, peer.id, 28, now=start + timedelta(hours=2))
    assert renewed.id == first.id
    assert renewed.expires_at == start + timedelta(hours=2, days=28)
    rows = session.scalars(select(ClipShare).where(ClipShare.clip_id == clip.id)).all()
    assert len(rows) == 1
    events = _events(session, AuditAction.SHARE_CLIP)
    assert len(events) == 2 and "renewed" in events[1].detail


@pytest.mark.parametrize("consent", [ConsentState.NOT_RECORDED, ConsentState.SOME_NOT_CONSENTED])
def test_a_clip_whose_consent_does_not_allow_it_cannot_be_shared(session, ctx, ect, peer, consent):
    clip = _clip(session, ctx, consent=consent)
    with pytest.raises(Forbidden) as refused:
        shares.share_clip(session, ect, clip.id, peer.id)
    assert refused.value.message == (
        "Only clips whose consent record allows it can be shared: ask your induction "
        "coordinator to record consent."
    )
    assert session.scalars(select(ClipShare)).all() == []
    assert _events(session, AuditAction.SHARE_CLIP) == []
    panel = shares.share_panel(session, ect, clip)
    assert panel.manage and not panel.can_share and "consent" in panel.refusal


def test_a_share_stops_lending_when_consent_is_withdrawn(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    shares.share_clip(session, ect, clip.id, peer.id)
    clip.consent_state = ConsentState.SOME_NOT_CONSENTED
    session.commit()
    assert not _sees(session, peer, clip)
    assert shares.shared_with_me(session, peer) == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        (OTHER_SCHOOL_ECT, shares.NOT_A_COLLEAGUE),
        (ECT, "This is your own clip"),
        (MENTOR, "Daniel Okafor can already see this clip as your mentor"),
        (COORDINATOR, "Priya Shah can already see this clip through their role"),
        (REVIEWER, "Ruth Evans can already see this clip through their role"),
    ],
)
def test_only_a_colleague_who_cannot_see_it_yet_may_be_chosen(session, ctx, ect, email, message):
    clip = _clip(session, ctx)
    with pytest.raises(InvalidInput) as refused:
        shares.share_clip(session, ect, clip.id, user(session, email).id)
    assert refused.value.message.startswith(message)
    assert session.scalars(select(ClipShare)).all() == []


def test_an_unknown_or_inactive_colleague_is_refused_alike(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    with pytest.raises(InvalidInput, match="colleague from your school"):
        shares.share_clip(session, ect, clip.id, 999_999)
    peer.active = False
    session.commit()
    with pytest.raises(InvalidInput, match="colleague from your school"):
        shares.share_clip(session, ect, clip.id, peer.id)


@pytest.mark.parametrize("days", [0, -1, 29, 365])
def test_a_share_lasts_one_to_28_days(session, ctx, ect, peer, days):
    clip = _clip(session, ctx)
    with pytest.raises(InvalidInput, match="1 to 28 days"):
        shares.share_clip(session, ect, clip.id, peer.id, days)


def test_only_the_owner_shares_and_revokes(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    share = shares.share_clip(session, ect, clip.id, peer.id)
    mentor = user(session, MENTOR)
    stranger = user(session, OTHER_SCHOOL_ECT)
    other_peer = user(session, OTHER_PEER)
    with pytest.raises(Forbidden):  # sees the clip, may not share it
        shares.share_clip(session, mentor, clip.id, other_peer.id)
    with pytest.raises(Forbidden):  # the colleague sees it through the share only
        shares.share_clip(session, peer, clip.id, other_peer.id)
    with pytest.raises(Forbidden):
        shares.revoke_share(session, peer, share.id)
    with pytest.raises(NotFound):
        shares.share_clip(session, stranger, clip.id, other_peer.id)
    with pytest.raises(NotFound):
        shares.revoke_share(session, stranger, share.id)
    with pytest.raises(NotFound):
        shares.shares_of(session, stranger, clip.id)
    with pytest.raises(NotFound):
        shares.revoke_share(session, ect, 999_999)
    assert shares.is_running(session.get(ClipShare, share.id))


def test_only_lessons_and_rehearsals_of_an_ect_are_lent(session, ctx, demo):
    mentor = user(session, MENTOR)
    model = ready_clip(session, ctx.storage, MENTOR, kind=ClipKind.MODEL, title="Model")
    model.consent_state = ConsentState.ALL_CONSENTED
    session.commit()
    with pytest.raises(Forbidden, match="lessons and rehearsals"):
        shares.share_clip(session, mentor, model.id, user(session, OTHER_MENTOR).id)
    assert not shares.share_panel(session, mentor, model).manage


def test_the_picker_lists_the_schools_teachers_who_cannot_see_the_clip(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    names = [u.name for u in shares.colleagues(session, ect, clip)]
    assert names == ["Aisha Begum", "Helen Marsh", "Tom Wright"]
    # A colleague with a running share stays listed, so the owner can renew it.
    shares.share_clip(session, ect, clip.id, peer.id)
    panel = shares.share_panel(session, ect, clip)
    assert panel.can_share and [u.name for u in panel.colleagues] == names
    assert [s.colleague_id for s in panel.shares] == [peer.id]
    assert shares.share_panel(session, peer, clip).received is not None
    assert not shares.share_panel(session, peer, clip).manage


def test_the_feedback_goes_with_a_share_only_when_the_ect_chooses(session, ctx, ect, peer):
    clip = _clip(session, ctx)
    mentor = user(session, MENTOR)
    comments.add_comment(session, mentor, clip.id, at_seconds=3, body="Lovely hinge question")
    share = shares.share_clip(session, ect, clip.id, peer.id)
    assert share.includes_feedback is False  # the default: the clip alone
    assert _sees(session, peer, clip)
    assert not policy.can_read_feedback(session, peer, clip)
    assert comments.clip_comments(session, peer, clip.id) == []
    assert shares.share_panel(session, peer, clip).feedback is False
    detail = _events(session, AuditAction.SHARE_CLIP)[-1].detail
    assert detail.endswith("without its feedback")
    # Sharing again with the feedback renews the share and lends the thread too.
    shares.share_clip(session, ect, clip.id, peer.id, include_feedback=True)
    assert policy.can_read_feedback(session, peer, clip)
    threads = comments.clip_comments(session, peer, clip.id)
    assert [t.comment.body for t in threads] == ["Lovely hinge question"]
    assert shares.share_panel(session, peer, clip).feedback is True
    assert _events(session, AuditAction.SHARE_CLIP)[-1].detail.endswith("with its feedback")
    # Those who see the clip through their role read the feedback as before.
    for email in (ECT, MENTOR, COORDINATOR):
        assert len(comments.clip_comments(session, user(session, email), clip.id)) == 1
    # Once the share ends, nothing is left.
    shares.revoke_share(session, ect, share.id)
    assert not policy.can_read_feedback(session, peer, clip)
