"""Time the induction audit pages on a generated trust: server time and SQL queries per page.

A trust of 10 schools x 30 ECTs (3 per mentor) with two academic years of history up to
today: a coaching session most term-time weeks, a formal observation most half terms and some
weekly ones, a step a week, and a lesson or rehearsal clip a fortnight with the mentor's
feedback on most of them. The school dashboard (30 ECTs), the trust view (300 ECTs) and the
charts page are requested through the Flask test client as the trust's coordinator, which
times the server's work without a network; each page is requested a few times to warm up,
then ``--requests`` times. The goal is p95 <= 200 ms for the dashboard and the trust view.

The number of SQL statements per page comes from a ``before_cursor_execute`` listener and
must not depend on the number of ECTs (tests/service/test_induction_audit.py asserts it).

    python bench/audit.py                                   # a temporary SQLite database
    python bench/audit.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench_db
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, time as clock, timedelta
from pathlib import Path

from sqlalchemy import event, insert
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from database import empty_database  # bench/ is on sys.path when run

from service.db import make_session_factory
from service.induction.terms import SchoolCalendar
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipStatus,
    CoachingSession,
    Comment,
    Membership,
    Mentorship,
    Observation,
    ObservationKind,
    Role,
    School,
    StepStatus,
    Strand,
    Trust,
    User,
)

SCHOOLS, ECTS, ECTS_PER_MENTOR = 10, 30, 3
PASSWORD = "bench-password"
LEAD = "lead@bench-trust.example"
GOAL_MS = 200.0


def generate(sessions, today: date, seed: int = 7) -> dict[str, object]:
    """Fill an empty database with the trust; return ids and row counts."""
    rng = random.Random(seed)
    calendar = SchoolCalendar()
    year = calendar.academic_year_of(today)
    terms = [t for y in (year - 1, year) for t in calendar.year(y) if t.starts_on <= today]
    term_days = [
        d
        for t in terms
        for d in (t.starts_on + timedelta(days=i) for i in range(t.days))
        if d <= today and d.weekday() < 5
    ]
    password = generate_password_hash(PASSWORD)
    with sessions() as db:
        trust = Trust(name="Bench Learning Trust")
        db.add(trust)
        db.flush()
        lead = User(email=LEAD, name="Trust lead", password_hash=password)
        lead.memberships.append(Membership(role=Role.COORDINATOR, trust_id=trust.id))
        db.add(lead)
        counts = dict.fromkeys(("sessions", "observations", "steps", "clips", "comments"), 0)
        school_ids = []
        for s in range(SCHOOLS):
            school = School(name=f"School {s:02d}", trust=trust)
            db.add(school)
            db.flush()
            school_ids.append(school.id)
            people = []
            for n in range(ECTS // ECTS_PER_MENTOR + ECTS):
                role = Role.MENTOR if n < ECTS // ECTS_PER_MENTOR else Role.ECT
                person = User(
                    email=f"{role.value}{n}@school{s}.example", name=f"{role.label} {s}-{n:02d}",
                    password_hash=password,
                )  # fmt: skip
                person.memberships.append(Membership(role=role, school_id=school.id))
                people.append(person)
            db.add_all(people)
            db.flush()
            mentors, ects = people[: ECTS // ECTS_PER_MENTOR], people[ECTS // ECTS_PER_MENTOR :]
            pairings, records, observations, steps, clips = [], [], [], [], []
            for i, ect in enumerate(ects):
                mentor = mentors[i // ECTS_PER_MENTOR]
                induction_year = 2 if i % 2 else 1
                started = terms[0].starts_on + timedelta(days=rng.choice([0, 0, 0, 30, 120]))
                pairings.append(
                    dict(mentor_id=mentor.id, ect_id=ect.id, school_id=school.id,
                         induction_year=induction_year, cadence_days=7 * induction_year,
                         started_on=started)
                )  # fmt: skip
                weeks = sorted({d - timedelta(days=d.weekday()) for d in term_days if d >= started})
                for monday in weeks:
                    if rng.random() < 0.85:
                        held = min(monday + timedelta(days=rng.randrange(5)), today)
                        records.append(
                            dict(ect_id=ect.id, mentor_id=mentor.id, school_id=school.id,
                                 held_on=held, praise="Clear routine", practice_rounds=2)
                        )  # fmt: skip
                        created = datetime.combine(held, clock(16), UTC)
                        steps.append(
                            dict(ect_id=ect.id, mentor_id=mentor.id, school_id=school.id,
                                 title="Cold call after a pause", criteria=["Pause"],
                                 strand=Strand.INSTRUCTION, standard=2, review_on=held,
                                 status=StepStatus.MET, created_at=created)
                        )  # fmt: skip
                for term in terms:
                    if term.ends_on >= started and rng.random() < 0.8:
                        day = min(term.starts_on + timedelta(days=rng.randrange(term.days)), today)
                        observations.append(
                            dict(ect_id=ect.id, school_id=school.id, observer_id=mentor.id,
                                 kind=ObservationKind.FORMAL, observed_on=day,
                                 with_ect_lead=term.number % 2 == 0, notes="",
                                 recorded_by_id=mentor.id)
                        )  # fmt: skip
                for monday in weeks[::2]:
                    uploaded = datetime.combine(monday, clock(15), UTC) + timedelta(
                        hours=rng.randrange(96)
                    )
                    if uploaded.date() > today:
                        continue
                    clips.append(
                        dict(owner_id=ect.id, school_id=school.id,
                             kind=rng.choice([ClipKind.LESSON, ClipKind.REHEARSAL]),
                             title="Lesson", recorded_on=uploaded.date(), status=ClipStatus.READY,
                             original_key="k", original_filename="c.mp4", original_size=1,
                             created_at=uploaded, updated_at=uploaded)
                    )  # fmt: skip
                if steps and steps[-1]["ect_id"] == ect.id:
                    steps[-1]["status"] = StepStatus.ACTIVE
            db.execute(insert(Mentorship), pairings)
            db.execute(insert(CoachingSession), records)
            db.execute(insert(Observation), observations)
            db.execute(insert(ActionStep), steps)
            clip_rows = db.execute(
                insert(Clip).returning(Clip.id, Clip.owner_id, Clip.created_at), clips
            ).all()
            mentor_of = {p["ect_id"]: p["mentor_id"] for p in pairings}
            comments = []
            for clip_id, owner, uploaded in clip_rows:
                if rng.random() < 0.9:
                    first = uploaded + timedelta(hours=rng.expovariate(1 / 30))
                    for k in range(rng.randint(1, 3)):
                        comments.append(
                            dict(clip_id=clip_id, author_id=mentor_of[owner], at_seconds=10 * k,
                                 body="Feedback", created_at=first + timedelta(minutes=5 * k))
                        )  # fmt: skip
            db.execute(insert(Comment), comments)
            made = {"sessions": records, "observations": observations, "steps": steps}
            made |= {"clips": clips, "comments": comments}
            for key, rows in made.items():
                counts[key] += len(rows)
        db.commit()
        return {"trust": trust.id, "school": school_ids[0], **counts}


def measure(client, engine, url: str, requests: int) -> tuple[list[float], int, int, list]:
    """Request a page (warming up first); return the times in ms, the queries per request, the
    size of the response, and the statements of the last request (for the bare baseline)."""
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    statements = 0
    last: list[tuple[str, object]] = []

    def count(_conn, _cursor, statement, parameters, *_rest) -> None:
        nonlocal statements
        statements += 1
        last.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", count)
    try:
        times = []
        for _ in range(requests):
            last.clear()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return times, statements // requests, len(response.data), list(last)


def replay(engine, statements: list, requests: int) -> list[float]:
    """The bare baseline: the same SQL, sent straight to the database driver and fetched, with no
    ORM, no Python arithmetic and no template. Changes (an export's audit event) are rolled back."""
    times = []
    connection = engine.raw_connection()
    try:
        for _ in range(requests):
            cursor = connection.cursor()
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
            cursor.close()
            connection.rollback()
    finally:
        connection.close()
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        made = empty_database(folder, args.database_url)
        if made is None:
            return 2
        settings, engine = made
        today = SchoolCalendar().today()
        started = time.perf_counter()
        ids = generate(make_session_factory(engine), today)
        print(
            f"{engine.dialect.name}: {SCHOOLS} schools x {ECTS} ECTs, two years to {today}: "
            f"{ids['sessions']} sessions, {ids['observations']} observations, {ids['steps']} "
            f"steps, {ids['clips']} clips, {ids['comments']} comments "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        print(f"{os.cpu_count()} CPUs; {args.requests} timed requests per page after 3 warm-ups\n")

        from web import create_app

        app = create_app(settings)
        app.config["WTF_CSRF_ENABLED"] = False  # signing in once, without scraping a token
        client = app.test_client()
        assert (
            client.post("/auth/login", data={"email": LEAD, "password": PASSWORD}).status_code
            == 302
        )
        app_engine = app.extensions["coachreel"].engine
        pages = [
            ("school dashboard (30 ECTs)", f"/induction/schools/{ids['school']}", True),
            ("trust view (300 ECTs)", f"/induction/trusts/{ids['trust']}", True),
            ("school charts", f"/induction/schools/{ids['school']}/charts", False),
            ("dashboard CSV", f"/induction/schools/{ids['school']}/dashboard.csv", False),
        ]
        print(
            f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'KB':>6}"
            f" {'SQL ms':>7} {'ratio':>6}  goal"
        )
        failed = False
        for name, path, goal in pages:
            times, queries, size, statements = measure(client, app_engine, path, args.requests)
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            bare = statistics.median(replay(app_engine, statements, args.requests))
            verdict = ""
            if goal:
                verdict = f"p95 {'<=' if p95 <= GOAL_MS else '>'} {GOAL_MS:.0f} ms"
                failed |= p95 > GOAL_MS
            print(
                f"{name:<28} {p50:8.1f} {p95:8.1f} {max(times):8.1f} {queries:8d} "
                f"{size / 1024:6.0f} {bare:7.1f} {p50 / bare:6.1f}  {verdict}"
            )
        print(
            "\nSQL ms: the median time of the same statements sent bare to the driver; ratio: the"
            " page's p50 over it\n(what the ORM, the arithmetic and the template add to the"
            " queries)."
        )
        app_engine.dispose()
        engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
