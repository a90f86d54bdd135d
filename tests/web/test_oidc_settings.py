"""A trust's sign-in settings page: who keeps it, what it shows, and the secret it never shows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.models import AuditAction, AuditEvent, SignInProvider, Trust
from tests.web.forms import JSON, post

TRUST_LEAD = "induction-lead@northfield-trust.example"
ADMIN = "admin@coachreel.example"
TENANT = "1b2c3d4e-0000-4000-8000-123456789abc"
SECRET = "Q~secret-from-entra-0123456789"
FORM = {
    "preset": "microsoft",
    "tenant": TENANT,
    "client_id": "app-id-123",
    "client_secret": SECRET,
    "allowed_domains": "Northfield.example riverside.example",
    "enabled": "y",
}


@pytest.fixture
def url(session, demo) -> str:
    trust_id = session.scalar(select(Trust.id).where(Trust.name == "Northfield Learning Trust"))
    return f"/people/trusts/{trust_id}/sign-in"


def saved(session) -> SignInProvider | None:
    session.expire_all()
    return session.scalar(select(SignInProvider))


def test_a_trust_coordinator_sets_up_microsoft_sign_in(client, auth, session, url):
    auth.login(TRUST_LEAD)
    page = client.get(url)
    assert page.status_code == 200
    assert "Sign in with school accounts: Northfield Learning Trust" in page.text
    assert "Not set up yet" in page.text
    response = post(client, url, FORM)
    assert response.status_code == 302 and response.location == url
    provider = saved(session)
    assert provider.label == "Microsoft" and provider.enabled
    assert provider.allowed_domains == "northfield.example,riverside.example"
    page = client.get(url).text
    assert "Sign-in settings saved." in page
    assert f"http://localhost/auth/sso/{provider.id}/callback" in page  # to give Microsoft
    assert f'value="{TENANT}"' in page and 'value="app-id-123"' in page
    assert SECRET not in page  # never shown again
    assert "Leave this blank to keep it" in page
    [event] = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.SIGN_IN_SETTINGS)
    ).all()
    assert SECRET not in event.detail


def test_the_secret_is_kept_when_left_blank(client, auth, session, url):
    auth.login(ADMIN)
    post(client, url, FORM)
    response = post(client, url, {**FORM, "client_secret": "", "enabled": ""})
    assert response.status_code == 302
    provider = saved(session)
    assert provider.client_secret == SECRET and not provider.enabled
    post(client, url, {**FORM, "client_secret": "a-new-secret"})
    assert saved(session).client_secret == "a-new-secret"


def test_a_refused_form_says_why_and_keeps_what_was_typed(client, auth, session, url):
    auth.login(TRUST_LEAD)
    response = post(client, url, {**FORM, "tenant": "common"})
    assert response.status_code == 400
    assert "your trust&#39;s own tenant ID" in response.text
    assert 'value="app-id-123"' in response.text
    assert saved(session) is None
    response = post(client, url, {**FORM, "allowed_domains": "jo@northfield.example"}, headers=JSON)
    assert response.status_code == 400 and "is not an email domain" in response.json["error"]


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("coordinator@northfield.example", 403),  # a school's coordinator, not the trust's
        ("mentor1@northfield.example", 403),
        ("ect1@northfield.example", 403),
        (ADMIN, 200),
        (TRUST_LEAD, 200),
    ],
)
def test_only_the_trusts_coordinators_and_admins_see_it(client, auth, url, email, status):
    auth.login(email)
    assert client.get(url).status_code == status
    assert post(client, url, FORM).status_code == (302 if status == 200 else status)


def test_another_trust_answers_404(client, auth, session, url):
    auth.login(TRUST_LEAD)
    assert client.get("/people/trusts/999999/sign-in").status_code == 404
    other = Trust(name="Southbank Trust")
    session.add(other)
    session.commit()
    assert client.get(f"/people/trusts/{other.id}/sign-in").status_code == 404
    auth.logout()
    auth.login(ADMIN)  # admins keep every trust's
    assert client.get(f"/people/trusts/{other.id}/sign-in").status_code == 200
