"""A roster file at the row limit previews and applies in one transaction, in reasonable time."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from service.models import User
from service.people import roster, roster_file
from tests import factories

COORDINATOR = "coordinator@northfield.example"


def test_a_full_file_previews_and_applies(session, demo):
    lines = ["Email,Full name,Role,Induction start date,Induction year,Mentor email"]
    lines += [f"m{n}@northfield.example,Mentor {n},mentor,,," for n in range(100)]
    lines += [
        f"e{n}@northfield.example,ECT {n},ect,2026-09-01,1,m{n % 100}@northfield.example"
        for n in range(roster_file.MAX_ROWS - 100)
    ]
    text = "\r\n".join(lines) + "\r\n"
    assert len(text.encode()) < roster_file.MAX_BYTES
    actor = factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    started = time.monotonic()
    preview = roster.preview_roster(session, actor, school_id, text.encode())
    assert preview.can_apply and preview.count(roster.RowKind.NEW) == roster_file.MAX_ROWS
    applied = roster.apply_roster(session, actor, school_id, text)
    assert len(applied.new_user_ids) == roster_file.MAX_ROWS
    assert session.scalar(select(func.count(User.id))) >= roster_file.MAX_ROWS
    print(f"5,000 rows previewed and applied in {time.monotonic() - started:.1f} s")
    assert time.monotonic() - started < 120
