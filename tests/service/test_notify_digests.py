"""The coordinators' Monday summary and the daily email digest, run by the schedule on a frozen
clock across the February 2027 half term (see test_notify_checks for the calendar)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.induction.dashboard import EctRow, FormalState
from service.induction.terms import SchoolCalendar
from service.models import (
    Clip,
    DeliveryMode,
    MailMessage,
    Membership,
    Mentorship,
    Notification,
    NotificationPreference,
    Role,
    ScheduledRun,
    User,
)
from service.notify import schedule
from service.notify.delivery import Links
from service.notify.digests import summary
from service.notify.raising import notify
from tests.service.test_notify_checks import World, at, build_world, clip_of

LINKS = Links("https://coachreel.example", "digest-test-secret")


def run(session: Session, now: datetime) -> schedule.ScheduleReport:
    return schedule.run_due(session, LINKS, now=now)


def digests_of(session: Session, kind: str = "coordinator_digest") -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.kind == kind).order_by(Notification.id)
        )
    )


def raise_at(session: Session, user: User, kind: str, when: datetime, key: str, **kw):
    """Raise a notification as if at ``when``."""
    note = notify(
        session, user.id, kind, text=f"{kind} {key}", link=f"/{key}", dedupe_key=key, **kw
    )
    note.created_at = when
    session.commit()
    return note


def mails(session: Session) -> list[MailMessage]:
    return list(session.scalars(select(MailMessage).order_by(MailMessage.id)))


# --- the coordinators' Monday summary -----------------------------------------------------------


def test_a_monday_in_term_brings_each_coordinator_a_summary_once(session):
    world = build_world(session)
    report = run(session, at("2027-02-08", 7, 30))
    oak, elm = world.oak.id, world.elm.id
    assert f"reminders:{oak}:2027-02-08" in report.runs
    assert f"reminders:{elm}:2027-02-08" in report.runs
    assert report.raised == {"coordinator_digest": 2}
    notes = digests_of(session)
    # Oak's coordinator and the trust's; Elm's coordinator has no ECTs to report; no teacher.
    assert [(n.user_id, n.link) for n in notes] == [
        (world.coordinator.id, f"/induction/schools/{oak}"),
        (world.lead.id, f"/induction/trusts/{world.trust.id}"),
    ]
    assert notes[0].dedupe_key == f"digest:{world.coordinator.id}:2027-W06"
    assert notes[0].text.startswith(
        "This week: 2 ECTs of 2 overdue, and 0 formal observations due this half term. "
        "Ava Tester: No coaching session for "
    )
    assert "Ben Tester: " in notes[0].text and len(notes[0].text) <= 300
    assert "Ava Tester (Oak Primary): " in notes[1].text  # the trust's: the school is named
    # Later that morning, and a second run the same hour: nothing runs or is raised again.
    assert run(session, at("2027-02-08", 8, 30)).runs == []
    assert run(session, at("2027-02-08", 9)).raised == {}
    assert len(digests_of(session)) == 2


def test_a_monday_in_half_term_brings_no_summary(session):
    world = build_world(session)
    report = run(session, at("2027-02-15", 7, 30))
    assert f"reminders:{world.oak.id}:2027-02-15" in report.runs  # the run itself happens
    assert digests_of(session) == []
    run(session, at("2027-02-22", 7, 30))  # back in term, a new week
    assert [n.dedupe_key for n in digests_of(session)] == [
        f"digest:{world.coordinator.id}:2027-W08",
        f"digest:{world.lead.id}:2027-W08",
    ]


def test_nothing_runs_before_seven_in_the_morning_and_a_tuesday_brings_no_summary(session):
    world = build_world(session)
    assert run(session, at("2027-02-08", 6, 59)).runs == []
    run(session, at("2027-02-09", 7))
    assert digests_of(session) == []
    assert session.scalar(select(ScheduledRun.key)) == f"reminders:{world.oak.id}:2027-02-09"


# --- the daily email digest ---------------------------------------------------------------------


def test_one_email_a_day_groups_the_digest_notifications_by_day(session):
    world = build_world(session)
    mo = world.mentor
    first = raise_at(session, mo, "clip_waiting", at("2027-02-08", 18), "waiting:1")
    second = raise_at(session, mo, "step_review_due", at("2027-02-09", 8), "step-review:1")
    now_kind = raise_at(session, mo, "feedback_posted", at("2027-02-09", 9), "comment:1")
    session.add(
        NotificationPreference(user_id=mo.id, kind="reply_posted", mode=DeliveryMode.DIGEST)
    )
    session.commit()
    chosen = raise_at(session, mo, "reply_posted", at("2027-02-09", 10), "comment:2")
    assert run(session, at("2027-02-09", 16, 59)).messages == []  # not yet five o'clock
    report = run(session, at("2027-02-09", 17, 5))
    assert f"email-digest:{world.oak.id}:2027-02-09" in report.runs
    [message] = mails(session)
    assert report.messages == [message.id]
    assert (message.to_address, message.template) == (mo.email, "notify-digest")
    assert message.subject == "Coachreel: your daily digest (3 notifications)"
    text = message.text_body
    assert text.index("Monday 8 February 2027") < text.index("clip_waiting waiting:1")
    assert text.index("clip_waiting waiting:1") < text.index("Tuesday 9 February 2027")
    assert "https://coachreel.example/step-review:1" in text
    assert "https://coachreel.example/comment:2" in text
    assert "comment:1" not in text  # emailed at once, not in the digest
    assert "https://coachreel.example/notifications/unsubscribe/" in text
    assert '<a href="https://coachreel.example/waiting:1">Open it</a>' in message.html_body
    session.expire_all()
    for note in (first, second, chosen):
        assert not note.email_due and note.emailed_at == at("2027-02-09", 17, 5)
    assert session.get(Notification, now_kind.id).email_due  # left for the delivery at once
    # Run again that evening: no second email.
    assert run(session, at("2027-02-09", 18, 5)).runs == []
    assert len(mails(session)) == 1


def test_term_time_only_kinds_wait_through_the_holiday(session):
    world = build_world(session)
    waiting = raise_at(session, world.mentor, "clip_waiting", at("2027-02-12", 8), "waiting:7")
    raise_at(session, world.ect, "share_expiring", at("2027-02-15", 8), "share-expiring:3")
    run(session, at("2027-02-16", 17, 5))  # half term
    assert [m.to_address for m in mails(session)] == [world.ect.email]
    session.refresh(waiting)
    assert waiting.email_due and waiting.emailed_at is None
    run(session, at("2027-02-22", 17, 5))  # the first day of term carries it
    assert [m.to_address for m in mails(session)] == [world.ect.email, world.mentor.email]
    assert "Friday 12 February 2027" in mails(session)[1].text_body


def test_no_digest_for_what_a_person_may_no_longer_see_nor_for_a_deactivated_person(session):
    world = build_world(session)
    clip = clip_of(session, world.ect, world.oak, at("2027-02-01"))
    gone = raise_at(
        session, world.mentor, "clip_waiting", at("2027-02-09", 8), "waiting:9", clip_id=clip.id
    )
    raise_at(session, world.other_mentor, "clip_waiting", at("2027-02-09", 8), "waiting:10")
    pairing = session.scalar(select(Mentorship).where(Mentorship.ect_id == world.ect.id))
    pairing.ended_on = date(2027, 2, 9)  # Mo no longer mentors Ava: her clip is not his to see
    world.other_mentor.active = False
    session.commit()
    run(session, at("2027-02-09", 17, 5))
    assert mails(session) == []
    session.refresh(gone)
    assert not gone.email_due  # cleared, never to be emailed
    assert session.get(Clip, clip.id) is not None


def test_people_of_no_school_get_their_digest_on_london_time(session):
    world = build_world(session)
    admin = User(email="admin@oak.example", name="Ada Admin", password_hash="x")
    admin.memberships.append(Membership(role=Role.ADMIN))
    session.add(admin)
    session.commit()
    raise_at(session, admin, "clip_waiting", at("2027-02-09", 8), "waiting:11")
    raise_at(session, world.lead, "clip_waiting_coordinator", at("2027-02-09", 8), "waiting:12")
    report = run(session, at("2027-02-09", 17, 5))
    assert "email-digest:none:2027-02-09" in report.runs
    # The trust's coordinator follows the trust's first school; the admin, London.
    assert sorted(m.to_address for m in mails(session)) == [admin.email, world.lead.email]


def test_two_runs_in_turn_claim_each_run_once(session, ctx):
    world: World = build_world(session)
    raise_at(session, world.mentor, "clip_waiting", at("2027-02-09", 8), "waiting:1")
    with ctx.sessions() as other:
        first = run(session, at("2027-02-09", 17, 5))
        second = schedule.run_due(other, LINKS, now=at("2027-02-09", 17, 6))
    assert first.runs and second.runs == []
    assert len(mails(session)) == 1


def test_a_long_summary_names_whom_it_can_and_counts_the_rest(session):
    world = build_world(session)
    today = date(2027, 2, 8)
    half_term = SchoolCalendar().current_half_term(today)
    rows = [
        EctRow(i, f"Teacher Number {i:02d}", "", world.oak.id, half_term, today) for i in range(12)
    ]
    for row in rows:
        row.reasons.append("No coaching session for 9 term-time days since 1 Feb: due every 7.")
    rows[0].formal_this_half_term = FormalState.DUE
    text = summary([(world.oak, rows)])
    assert len(text) <= 300
    assert text.startswith(
        "This week: 12 ECTs of 12 overdue, and 1 formal observation due this half term. "
        "Teacher Number 00: No coaching session for 9 term-time days; Teacher Number 01: "
    )
    named = text.count("Teacher Number")
    assert text.endswith(f" …and {12 - named} more on the dashboard.")
    assert summary([(world.oak, rows[:0])]) is None
