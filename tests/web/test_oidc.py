"""Signing in with a trust's provider, for real: the app sends the browser to an OpenID
provider running on this machine (tests/oidc_provider.py), which signs in whoever the test
says and sends it back with a code; the app swaps it for a signed ID token."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from service import accounts
from service.models import SignInProvider, Trust, User
from service.people import sign_in
from service.people.sign_in import Preset, SignInSettings
from tests.oidc_provider import Provider, running_provider, sign_in_with
from tests.web.forms import post

ECT = "ect1@northfield.example"
ADMIN = "admin@coachreel.example"
TRUST = "Northfield Learning Trust"


@pytest.fixture
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def trust_provider(session, demo, provider: Provider) -> SignInProvider:
    """The demo trust signing in through the local provider, with a registered client."""
    admin = session.scalar(select(User).where(User.email == ADMIN))
    trust_id = session.scalar(select(Trust.id).where(Trust.name == TRUST))
    wanted = SignInSettings(
        preset=Preset.OTHER.value,
        label="Microsoft",
        metadata_url=provider.metadata_url,
        client_id="not registered yet",
        client_secret="not registered yet",
        allowed_domains="northfield.example",
    )
    row = sign_in.save_settings(session, admin, trust_id, wanted)
    # Registered as the app would be at Microsoft: its callback address, a secret.
    client_id, secret = provider.register_client(f"http://localhost/auth/sso/{row.id}/callback")
    wanted = replace(wanted, client_id=client_id, client_secret=secret)
    return sign_in.save_settings(session, admin, trust_id, wanted)


def account(provider: Provider, sub: str, email: str, verified: object = True) -> str:
    provider.set_claims(sub, {"email": email, "email_verified": verified, "name": "Sam"})
    return sub


def test_the_sign_in_page_offers_the_trusts_provider(client, session, trust_provider):
    page = client.get("/auth/login").text
    assert f"Sign in with Microsoft ({TRUST})" in page
    assert f'href="/auth/sso/{trust_provider.id}"' in page
    # Sent to sign in from a page, the button comes back to it too.
    page = client.get("/auth/login?next=/clips/").text
    assert f'href="/auth/sso/{trust_provider.id}?next=/clips/"' in page
    trust_provider.enabled = False
    session.commit()
    assert "Sign in with Microsoft" not in client.get("/auth/login").text


def test_signing_in_lands_on_the_home_page(client, provider, trust_provider):
    start = client.get(f"/auth/sso/{trust_provider.id}")
    # PKCE (S256) and a nonce are asked for; the state ties the answer to this browser.
    for asked in ("code_challenge_method=S256", "code_challenge=", "nonce=", "state="):
        assert asked in start.location
    sub = account(provider, "ect-1", "Ect1@Northfield.example")
    response = client.get(provider.authorize(start.location, sub))
    assert response.status_code == 302
    assert response.location == "/coaching/"  # an ECT's home
    assert client.get("/coaching/").status_code == 200
    assert client.get_cookie("remember_token") is None  # "Keep me signed in" was not asked


def test_next_and_keep_me_signed_in_are_kept_through_the_provider(client, provider, trust_provider):
    sub = account(provider, "ect-1", ECT)
    response = sign_in_with(client, provider, trust_provider.id, sub, "?next=/clips/&remember=1")
    assert response.status_code == 302 and response.location == "/clips/"
    assert client.get_cookie("remember_token") is not None
    # Another site is never where it sends them.
    post(client, "/auth/logout")
    response = sign_in_with(client, provider, trust_provider.id, sub, "?next=https://evil.example/")
    assert response.location == "/coaching/"


@pytest.mark.parametrize(
    ("email", "verified", "words"),
    [
        (
            "ect1@riverside.example",
            True,
            f"Accounts from riverside.example cannot sign in to {TRUST}",
        ),
        (ECT, False, "That account&#39;s email is not verified"),
        (
            "new@northfield.example",
            True,
            "No one with this email is on the roster: ask your coordinator",
        ),
    ],
)
def test_refusals_show_the_sign_in_page_with_the_reason(
    client, provider, trust_provider, email, verified, words
):
    sub = account(provider, "someone", email, verified)
    response = sign_in_with(client, provider, trust_provider.id, sub)
    assert response.status_code == 403
    assert words in response.text
    assert f"Sign in with Microsoft ({TRUST})" in response.text  # they can try again
    assert client.get("/clips/").status_code == 302  # still signed out


def test_a_deactivated_person_cannot_sign_in(client, session, provider, trust_provider):
    accounts.deactivate_user(session, session.scalar(select(User.id).where(User.email == ECT)))
    response = sign_in_with(client, provider, trust_provider.id, account(provider, "e", ECT))
    assert response.status_code == 403
    assert "This account has been deactivated" in response.text
    assert client.get("/clips/").status_code == 302


def test_a_switched_off_provider_is_not_there(client, session, provider, trust_provider):
    start = client.get(f"/auth/sso/{trust_provider.id}")
    callback = provider.authorize(start.location, account(provider, "e", ECT))
    trust_provider.enabled = False  # switched off while they were at the provider
    session.commit()
    for url in (f"/auth/sso/{trust_provider.id}", callback):
        response = client.get(url)
        assert response.status_code == 404
        assert "This way of signing in is not available" in response.text
    assert client.get("/clips/").status_code == 302


def test_a_replayed_or_forged_callback_is_refused(app, client, provider, trust_provider):
    start = client.get(f"/auth/sso/{trust_provider.id}")
    callback = provider.authorize(start.location, account(provider, "e", ECT))
    # Another browser (no state in its session) bringing the code: refused, not a 500.
    other = app.test_client()
    response = other.get(callback)
    assert response.status_code == 403
    assert "We could not finish signing you in with Microsoft" in response.text
    assert other.get("/clips/").status_code == 302
    # This browser's first use works; the same answer again is refused.
    assert client.get(callback).status_code == 302
    post(client, "/auth/logout")
    response = client.get(callback)
    assert response.status_code == 403
    assert client.get("/clips/").status_code == 302
    # A state made up, with this browser mid-sign-in.
    start = client.get(f"/auth/sso/{trust_provider.id}")
    response = client.get(f"/auth/sso/{trust_provider.id}/callback?code=abc&state=made-up")
    assert response.status_code == 403


def test_cancelling_at_the_provider_says_so(client, provider, trust_provider):
    start = client.get(f"/auth/sso/{trust_provider.id}")
    response = client.get(provider.authorize(start.location, None))
    assert response.status_code == 403
    assert "Microsoft did not sign you in" in response.text


def test_a_provider_that_cannot_be_reached_is_explained(client, session, trust_provider):
    trust_provider.metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
    session.commit()
    response = client.get(f"/auth/sso/{trust_provider.id}")
    assert response.status_code == 503
    assert "We could not reach Microsoft just now" in response.text
