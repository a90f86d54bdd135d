"""The roster import pages: upload, preview, confirm; a preview the browser changed; scoping."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from service.models import AuditEvent, MailMessage, School, User
from tests import factories
from tests.conftest import csrf_token

COORDINATOR = "coordinator@northfield.example"
FILE = (
    "\ufeffEmail;Full name;School URN;Role;Induction start date;Induction year;Mentor email\r\n"
    "nia@northfield.example;Nia Mentor;;Mentor;;;\r\n"
    "zoe@northfield.example;Zoë Adams;;ECT;01/09/2026;1;nia@northfield.example\r\n"
)


def _set_urns(session) -> None:
    for name, urn in (("Northfield Primary", "100001"), ("Riverside Academy", "100002")):
        session.scalar(select(School).where(School.name == name)).urn = urn
    session.commit()


def _upload(client, url: str, body: bytes, name: str = "roster.csv"):
    token = csrf_token(client.get(url).text)
    return client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def _confirm_token(html: str) -> str:
    return re.search(r'name="confirm" value="([^"]+)"', html).group(1)


def test_upload_preview_confirm(client, auth, session, demo):
    _set_urns(session)
    auth.login(COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    url = f"/people/schools/{school_id}/import"
    assert "Download the template" in client.get(url).text
    preview = _upload(client, url, FILE.encode("utf-8"))
    assert preview.status_code == 200
    assert "Zoë Adams" in preview.text and "2 new" in preview.text
    assert (
        session.scalar(select(func.count(User.id)).where(User.email == "zoe@northfield.example"))
        == 0
    )
    token = _confirm_token(preview.text)
    done = client.post(url, data={"csrf_token": csrf_token(preview.text), "confirm": token})
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).text
    assert "Roster imported: 2 added" in page and "2 invitations sent" in page
    assert "Zoë Adams" in page and "mentor Nia Mentor" in page
    assert session.scalar(select(func.count(MailMessage.id))) == 2
    # The same file again: nothing to import, and confirming the old preview changes nothing.
    events = session.scalar(select(func.count(AuditEvent.id)))
    again = _upload(client, url, FILE.encode("utf-8"))
    assert "there is nothing to import" in again.text and 'name="confirm"' not in again.text
    client.post(url, data={"csrf_token": csrf_token(again.text), "confirm": token})
    assert session.scalar(select(func.count(AuditEvent.id))) == events


def test_a_changed_or_foreign_preview_is_refused(client, auth, session, demo):
    _set_urns(session)
    auth.login(COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    url = f"/people/schools/{school_id}/import"
    token = _confirm_token(_upload(client, url, FILE.encode()).text)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post(
        url, data={"csrf_token": csrf_token(client.get(url).text), "confirm": tampered}
    )
    assert response.status_code == 400 and "upload the file again" in response.text
    # Signed for this school and person: the trust coordinator cannot replay it elsewhere.
    auth.logout()
    auth.login("induction-lead@northfield-trust.example")
    riverside = factories.school_of(session, "ect1@riverside.example")
    other = f"/people/schools/{riverside}/import"
    response = client.post(
        other, data={"csrf_token": csrf_token(client.get(other).text), "confirm": token}
    )
    assert response.status_code == 400
    assert (
        session.scalar(select(func.count(User.id)).where(User.email == "zoe@northfield.example"))
        == 0
    )


def test_a_school_coordinator_imports_only_into_their_school(client, auth, session, demo):
    _set_urns(session)
    auth.login(COORDINATOR)
    riverside = factories.school_of(session, "ect1@riverside.example")
    assert client.get(f"/people/schools/{riverside}/import").status_code == 404
    school_id = factories.school_of(session, COORDINATOR)
    body = "Email,Full name,School URN,Role\r\nx@riverside.example,X,100002,mentor\r\n"
    preview = _upload(client, f"/people/schools/{school_id}/import", body.encode())
    assert "We could not find a school you manage with URN 100002" in preview.text
    assert "Nothing has been saved" in preview.text and 'name="confirm"' not in preview.text


def test_an_unreadable_file_is_refused_on_the_page(client, auth, session, demo):
    auth.login(COORDINATOR)
    url = f"/people/schools/{factories.school_of(session, COORDINATOR)}/import"
    response = _upload(client, url, FILE.encode("utf-16"))
    assert response.status_code == 400 and "Save As → CSV UTF-8" in response.text
    token = csrf_token(client.get(url).text)
    assert "choose the roster file" in client.post(url, data={"csrf_token": token}).text


def test_the_template_downloads(client, auth, demo):
    auth.login(COORDINATOR)
    response = client.get("/people/roster-template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Email,Full name,School URN,Role")
    assert len(text.splitlines()) == 2
