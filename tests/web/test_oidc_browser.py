"""Signing in with the trust's provider in a real Chromium: the provider is another site
(localhost, the app being 127.0.0.1), so the session cookie (SameSite=Lax) must come back with
its top-level redirect; and the settings page fits a phone and passes axe."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from service.models import Trust, User
from service.people import sign_in
from service.people.sign_in import Preset, SignInSettings
from tests.oidc_provider import running_provider
from tests.web.browsing import sign_in as sign_in_with_password
from tests.web.test_page_sweep import AXE, DESKTOP, Sweep

pytestmark = pytest.mark.browser

TRUST = "Northfield Learning Trust"


@pytest.fixture
def trust_id(session, demo, live_server):
    with running_provider() as provider:
        admin = session.scalar(select(User).where(User.email == "admin@coachreel.example"))
        trust_id = session.scalar(select(Trust.id).where(Trust.name == TRUST))
        wanted = SignInSettings(
            preset=Preset.OTHER.value,
            label="Google",
            metadata_url=provider.metadata_url,
            client_id="pending",
            client_secret="pending",
            allowed_domains="northfield.example",
        )
        row = sign_in.save_settings(session, admin, trust_id, wanted)
        client_id, secret = provider.register_client(f"{live_server}/auth/sso/{row.id}/callback")
        wanted = replace(wanted, client_id=client_id, client_secret=secret)
        sign_in.save_settings(session, admin, trust_id, wanted)
        provider.set_claims("sam", {"email": "ect1@northfield.example", "email_verified": True})
        yield trust_id


def test_signing_in_with_the_provider_in_a_browser(browser, live_server, trust_id):
    context = browser.new_context(viewport=DESKTOP)
    # The provider's page asks a CDN for its stylesheet; there is no network here.
    context.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{live_server}/auth/login?next=/clips/")
    page.click(f"text=Sign in with Google ({TRUST})")
    page.wait_for_url("http://localhost:*/oauth2/authorize*")
    page.fill("input[name=sub]", "sam")
    page.click("button:has-text('Authorize')")
    page.wait_for_url(f"{live_server}/clips/")
    assert page.locator("h1").first.is_visible()
    context.close()


def test_the_sign_in_pages_fit_a_phone_and_pass_axe(browser, live_server, trust_id):
    problems = []
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(path=str(AXE))
    sweep = Sweep(context.new_page(), live_server, "signed out")
    sweep.check(f"{live_server}/auth/login")
    problems += sweep.problems
    context.close()
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    sign_in_with_password(page, live_server, "induction-lead@northfield-trust.example")
    sweep = Sweep(page, live_server, "trust coordinator")
    sweep.check(f"{live_server}/people/trusts/{trust_id}/sign-in")
    problems += sweep.problems
    context.close()
    assert problems == [], "\n".join(problems)
