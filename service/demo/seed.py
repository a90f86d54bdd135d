"""Demo data: one trust, two schools, and a coaching team in each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from service.accounts import create_user
from service.models import (
    Mentorship,
    ReviewerAssignment,
    Role,
    School,
    SchoolClass,
    StepTemplate,
    Strand,
    Trust,
    User,
)

DEMO_PASSWORD = "coachreel-demo"
TRUST_NAME = "Northfield Learning Trust"

# (school name, email domain, [(role, name)])
# Made-up Unique Reference Numbers (real ones are six digits), for roster files to name.
DEMO_URNS = {"Northfield Primary": "990001", "Riverside Academy": "990002"}
TEAMS = [
    (
        "Northfield Primary",
        "northfield.example",
        [
            (Role.COORDINATOR, "Priya Shah"),
            (Role.MENTOR, "Daniel Okafor"),
            (Role.MENTOR, "Helen Marsh"),
            (Role.ECT, "Sam Taylor"),
            (Role.ECT, "Aisha Begum"),
            (Role.ECT, "Tom Wright"),
            (Role.REVIEWER, "Ruth Evans"),
        ],
    ),
    (
        "Riverside Academy",
        "riverside.example",
        [
            (Role.COORDINATOR, "Mark Bennett"),
            (Role.MENTOR, "Grace Adeyemi"),
            (Role.MENTOR, "Owen Price"),
            (Role.ECT, "Lucy Chen"),
            (Role.ECT, "Jamal Hussain"),
            (Role.ECT, "Ellie Morgan"),
            (Role.REVIEWER, "Fiona Walsh"),
        ],
    ),
]

# Each school's classes, and whether the school records them as sound only.
CLASSES = {
    "northfield.example": [("Year 3 Oak", False), ("Year 5 Ash", False), ("Year 6 Elm", True)],
    "riverside.example": [("8R science", False), ("9X2 maths", False), ("10Y1 English", True)],
}

# A starter library of bite-sized steps, in the shape instructional coaching programmes use.
LIBRARY = [
    (
        "Give a precise 3-step instruction before any task",
        "instruction",
        4,
        "Vague instructions cost the first minutes of every task.",
        [
            "Say what, how long and what done looks like",
            "Check for understanding with one question",
            "Start the task with a clear signal",
        ],
    ),
    (
        "Circulate to check every pupil has started within 2 minutes",
        "behaviour",
        7,
        "Pupils who stall early lose the whole task, and you see who needs help.",
        [
            "Start circulating within 30 seconds",
            "Visit every table once",
            "Use a non-verbal prompt before speaking",
        ],
    ),
    (
        "Cold call after a pause of three seconds",
        "instruction",
        2,
        "Everyone thinks when anyone might be asked.",
        [
            "Ask the question to the whole class first",
            "Pause for three seconds",
            "Then name a pupil",
        ],
    ),
    (
        "Use a consistent attention signal and wait for 100%",
        "behaviour",
        1,
        "Talking over pupils teaches them that your voice is background noise.",
        ["Same signal every time", "Wait until every pupil is facing you", "Narrate the positive"],
    ),
    (
        "Model worked examples with a think-aloud",
        "subject",
        3,
        "Novices need to see the expert's thinking, not just the answer.",
        [
            "Say each decision out loud",
            "Write the steps as you go",
            "Check one step with the class",
        ],
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: Role
    school: str


def _email(role: Role, index: int, domain: str) -> str:
    return (
        f"{role.value}{index}@{domain}"
        if role in (Role.MENTOR, Role.ECT)
        else (f"{role.value}@{domain}")
    )


def seed_demo(session: Session) -> list[DemoLogin]:
    """Create the demo organisation once; return the logins (all share DEMO_PASSWORD)."""
    logins: list[DemoLogin] = []
    trust = session.scalar(select(Trust).where(Trust.name == TRUST_NAME))
    if trust is None:
        # One hash for the shared demo password: hashing is deliberately slow.
        shared_hash = generate_password_hash(DEMO_PASSWORD)
        trust = Trust(name=TRUST_NAME)
        session.add(trust)
        session.flush()
        create_user(
            session,
            email="admin@coachreel.example",
            name="Coachreel Admin",
            password_hash=shared_hash,
            role=Role.ADMIN,
        )
        create_user(
            session,
            email="induction-lead@northfield-trust.example",
            name="Nadia Rahman",
            password_hash=shared_hash,
            role=Role.COORDINATOR,
            trust_id=trust.id,
        )
        for school_name, domain, people in TEAMS:
            school = School(name=school_name, urn=DEMO_URNS[school_name], trust=trust)
            session.add(school)
            session.flush()
            counters: dict[Role, int] = {}
            by_role: dict[Role, list[User]] = {}
            for role, name in people:
                counters[role] = counters.get(role, 0) + 1
                user = create_user(
                    session,
                    email=_email(role, counters[role], domain),
                    name=name,
                    password_hash=shared_hash,
                    role=role,
                    school_id=school.id,
                )
                by_role.setdefault(role, []).append(user)
            mentors, ects = by_role[Role.MENTOR], by_role[Role.ECT]
            for class_name, sound_only in CLASSES[domain]:
                session.add(
                    SchoolClass(school_id=school.id, name=class_name, audio_only=sound_only)
                )
            # First mentor takes two ECTs (years 1 and 2), the second mentor one (year 1).
            for title, strand, standard, why, criteria in LIBRARY:
                session.add(
                    StepTemplate(
                        school_id=school.id,
                        title=title,
                        why=why,
                        criteria=criteria,
                        strand=Strand(strand),
                        standard=standard,
                        created_by_id=by_role[Role.MENTOR][0].id,
                    )
                )
            for mentor, ect, year in (
                (mentors[0], ects[0], 1),
                (mentors[0], ects[1], 2),
                (mentors[1], ects[2], 1),
            ):
                session.add(
                    Mentorship(
                        mentor_id=mentor.id,
                        ect_id=ect.id,
                        school_id=school.id,
                        induction_year=year,
                        cadence_days=7 if year == 1 else 14,
                        started_on=date.today() - timedelta(days=60),
                    )
                )
            # The school's reviewer helps both its mentors coach better.
            for mentor in mentors:
                session.add(
                    ReviewerAssignment(
                        reviewer_id=by_role[Role.REVIEWER][0].id, mentor_id=mentor.id
                    )
                )
        session.commit()
    for user in session.scalars(select(User).order_by(User.id)):
        for m in user.memberships:
            where = m.school.name if m.school else (m.trust.name if m.trust else "everywhere")
            logins.append(DemoLogin(user.email, user.name, m.role, where))
    return logins
