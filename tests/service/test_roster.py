"""Importing a roster file: reading what spreadsheets write, the preview's classes, applying all
or nothing, and applying the same file twice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from service.errors import InvalidInput
from service.models import AuditEvent, Mentorship, Role, School, User
from service.people import roster, roster_file
from service.people.roster import RowKind
from tests import factories

COORDINATOR = "coordinator@northfield.example"
HEADER = (
    "Email,Full name,School URN,Role,Induction start date,Induction year,Mentor email,"
    "ECT lead email\r\n"
)
GOOD = HEADER + (
    "new.mentor@northfield.example,Nia Mentor,100001,Mentor,,,,\r\n"
    "new.ect@northfield.example,Zoë Adams,100001,ECT,2026-09-01,1,new.mentor@northfield.example,"
    "coordinator@northfield.example\r\n"
    "ect3@northfield.example,Tom Wright,,ect,01/09/2025,1,mentor2@northfield.example,\r\n"
    '"mentor2@northfield.example","Helen Marsh",100001,"mentor; reviewer",,,,\r\n'
)


@pytest.fixture
def here(session, demo) -> int:
    """Northfield (URN 100001) and Riverside (URN 100002); return Northfield's id."""
    for name, urn in (("Northfield Primary", "100001"), ("Riverside Academy", "100002")):
        session.scalar(select(School).where(School.name == name)).urn = urn
    session.commit()
    return factories.school_of(session, COORDINATOR)


def _preview(session, text: str | bytes, who: str = COORDINATOR, school_id: int | None = None):
    actor = factories.user(session, who)
    return roster.preview_roster(
        session, actor, school_id or factories.school_of(session, COORDINATOR), text
    )


def _kinds(preview) -> dict[str, RowKind]:
    return {p.row.email: p.kind for p in preview.rows}


def _counts(session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count(User.id))),
        session.scalar(select(func.count(Mentorship.id))),
        session.scalar(select(func.count(AuditEvent.id))),
    )


def test_a_good_file_previews_then_applies_and_twice_changes_nothing(session, here):
    preview = _preview(session, GOOD.encode())
    assert _kinds(preview) == {
        "new.mentor@northfield.example": RowKind.NEW,
        "new.ect@northfield.example": RowKind.NEW,
        "ect3@northfield.example": RowKind.CHANGED,
        "mentor2@northfield.example": RowKind.CHANGED,
    }
    notes = {p.row.email: p.notes for p in preview.rows}
    assert notes["mentor2@northfield.example"] == ["now reviewer"]
    assert notes["ect3@northfield.example"] == ["induction start: 1 Sep 2025"]
    assert preview.can_apply
    actor = factories.user(session, COORDINATOR)
    applied = roster.apply_roster(session, actor, here, GOOD, filename="staff.csv")
    assert (applied.added, applied.changed, applied.unchanged) == (2, 2, 0)
    ect = session.scalar(select(User).where(User.email == "new.ect@northfield.example"))
    mentor = session.scalar(select(User).where(User.email == "new.mentor@northfield.example"))
    assert sorted(applied.new_user_ids) == sorted([ect.id, mentor.id])
    assert ect.name == "Zoë Adams" and ect.memberships[0].induction_started_on == date(2026, 9, 1)
    pairing = session.scalar(select(Mentorship).where(Mentorship.ect_id == ect.id))
    assert pairing.mentor_id == mentor.id
    assert pairing.ect_lead_id == factories.user(session, COORDINATOR).id
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "import_roster"))
    assert event.detail == "staff.csv: 2 new, 2 changed, 0 unchanged" and event.school_id == here

    before = _counts(session)
    again = _preview(session, GOOD)
    assert set(_kinds(again).values()) == {RowKind.UNCHANGED} and not again.can_apply
    applied = roster.apply_roster(session, actor, here, GOOD)
    assert (applied.added, applied.changed, applied.new_user_ids) == (0, 0, [])
    assert _counts(session) == before


def test_an_excel_export_with_a_bom_and_semicolons_works(session, here):
    text = GOOD.replace(",", ";").replace('"mentor; reviewer"', '"mentor, reviewer"')
    preview = _preview(session, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert [p.kind for p in preview.rows].count(RowKind.NEW) == 2
    assert not preview.errors


def test_a_windows_1252_file_reads_its_accents(session, here):
    preview = _preview(session, GOOD.encode("cp1252"))
    assert not preview.errors
    assert {p.row.name for p in preview.rows} >= {"Zoë Adams"}


def test_headers_in_any_case_and_aliases(session, here):
    text = " EMAIL ADDRESS ;NAME;urn;Role(s)\nx.y@northfield.example;X Y;;Reviewer\n"
    preview = _preview(session, text.encode())
    assert _kinds(preview) == {"x.y@northfield.example": RowKind.NEW}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (GOOD.encode("utf-16"), "Save As → CSV UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Save As → CSV UTF-8"),
        (b"", "empty"),
        (b"  \r\n", "empty"),
        (HEADER.encode(), "no people"),
        (b"Email,Name\r\nx@y.example,X\r\n", "“Role” is missing"),
        (b"Full name,Roles\r\nX,ect\r\n", "“Email” is missing"),
        (b"x" * (roster_file.MAX_BYTES + 1), "larger than 1 MB"),
        (
            ("Email,Full name,Role\r\n" + "a@b.example,A,mentor\r\n" * 5001).encode(),
            "more than 5,000",
        ),
    ],
)
def test_files_we_cannot_read_are_refused_in_words(session, here, data, message):
    before = _counts(session)
    with pytest.raises(InvalidInput, match=message):
        _preview(session, data)
    assert _counts(session) == before


def _errors(session, body: str, **kwargs) -> dict[int, list[str]]:
    preview = _preview(session, (HEADER + body).encode(), **kwargs)
    assert not preview.can_apply
    return {p.row.line: p.notes for p in preview.errors}


def test_row_errors_name_the_row_and_the_reason(session, here):
    errors = _errors(
        session,
        "a@northfield.example,A,,mentor,,,,\r\n"
        "b@northfield.example,B,100001,ect,2026-02-30,1,a@northfield.example,\r\n"
        "c@northfield.example,C,999999,mentor,,,,\r\n"
        "A@northfield.example,A again,,reviewer,,,,\r\n"
        "d@northfield.example,D,,ect,2026-09-01,3,nobody@northfield.example,\r\n"
        "not-an-email,E,,mentor,,,,\r\n"
        "f@northfield.example,,,teacher,,,,\r\n"
        "g@northfield.example,G,100002,mentor,,,,\r\n"
        "h@northfield.example,H,,ect,2026-09-01,1,mentor1@riverside.example,\r\n"
        "i@northfield.example,I,,ect,,,,\r\n",
    )
    assert errors[2] == ["a@northfield.example is also on row 5."]
    assert errors[5] == ["a@northfield.example is also on row 2."]
    assert "not a date we can read" in errors[3][0]
    assert errors[4] == ["We could not find a school you manage with URN 999999."]
    assert "1 or 2" in " ".join(errors[6])
    assert "The mentor nobody@northfield.example is not in this file" in " ".join(errors[6])
    assert "not an email address" in errors[7][0]
    assert any("“teacher” is not a role" in e for e in errors[8])
    assert any("full name" in e for e in errors[8])
    assert errors[9] == ["We could not find a school you manage with URN 100002."]
    assert "not in this file as a mentor of Northfield Primary" in errors[10][0]
    assert any("induction start date" in e for e in errors[11])


def test_nothing_is_written_when_any_row_is_wrong(session, here):
    body = "ok@northfield.example,Ok,,mentor,,,,\r\nbad@northfield.example,Bad,,ect,,,,\r\n"
    before = _counts(session)
    actor = factories.user(session, COORDINATOR)
    with pytest.raises(InvalidInput, match="upload it again"):
        roster.apply_roster(session, actor, here, HEADER + body)
    assert _counts(session) == before


def test_a_trust_coordinator_imports_into_any_school_of_the_trust(session, here):
    body = (
        "g@riverside.example,G,100002,mentor,,,,\r\n"
        "h@riverside.example,H,100002,ect,2026-09-01,2,g@riverside.example,\r\n"
    )
    lead = "induction-lead@northfield-trust.example"
    preview = _preview(session, (HEADER + body).encode(), who=lead)
    assert not preview.errors and preview.count(RowKind.NEW) == 2
    roster.apply_roster(session, factories.user(session, lead), here, HEADER + body)
    ect = session.scalar(select(User).where(User.email == "h@riverside.example"))
    riverside = factories.school_of(session, "ect1@riverside.example")
    assert ect.school_ids(Role.ECT) == [riverside]
    assert session.scalar(select(Mentorship).where(Mentorship.ect_id == ect.id)).induction_year == 2


def test_a_changed_mentor_and_year_are_said_and_applied(session, here):
    body = "ect1@northfield.example,Sam Taylor,,ECT,,2,mentor2@northfield.example,\r\n"
    body = body.replace(",,2", ",2025-09-01,2")
    preview = _preview(session, (HEADER + body).encode())
    [plan] = preview.rows
    assert plan.kind == RowKind.CHANGED
    assert "mentor: mentor1@northfield.example → mentor2@northfield.example" in plan.notes
    roster.apply_roster(session, factories.user(session, COORDINATOR), here, HEADER + body)
    assert _kinds(_preview(session, HEADER + body)) == {
        "ect1@northfield.example": RowKind.UNCHANGED
    }


def test_the_template_reads_back(session, here):
    rows = roster_file.parse(roster_file.template())
    assert rows[0].email == "jo.smith@school.example" and rows[0].roles == {Role.ECT}
    assert rows[0].started_on == date(2026, 9, 1) and not rows[0].problems
