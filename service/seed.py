"""Demo data: one trust, two schools, and a coaching team in each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from service.accounts import create_user
from service.models import Mentorship, Role, School, Trust, User

DEMO_PASSWORD = "coachreel-demo"
TRUST_NAME = "Northfield Learning Trust"

# (school name, email domain, [(role, name)])
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
            school = School(name=school_name, trust=trust)
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
            # First mentor takes two ECTs (years 1 and 2), the second mentor one (year 1).
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
        session.commit()
    for user in session.scalars(select(User).order_by(User.id)):
        for m in user.memberships:
            where = m.school.name if m.school else (m.trust.name if m.trust else "everywhere")
            logins.append(DemoLogin(user.email, user.name, m.role, where))
    return logins
