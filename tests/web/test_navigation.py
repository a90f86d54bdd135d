"""Where a form sends someone back to: same-site paths only (web.navigation.safe_next), on
every form that takes a next= field."""

from __future__ import annotations

import pytest

from service.demo.seed import DEMO_PASSWORD
from tests.conftest import csrf_token
from tests.factories import ready_clip, school_of
from tests.web.forms import post
from web.navigation import safe_next

FALLBACK = "/clips/"
ECT, COORDINATOR = "ect1@northfield.example", "coordinator@northfield.example"


@pytest.mark.parametrize(
    "target",
    [
        "/clips/7",
        "/privacy/schools/3/consent?state=not_recorded",
        "/talk/ects/4?from=2026-01-01#steps",
        "/",
    ],
)
def test_a_path_on_this_site_is_kept(target):
    assert safe_next(target, FALLBACK) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.com",
        "//evil.com/clips/",
        "/\\evil.com",  # a browser reads the backslash as a slash: //evil.com
        "\\\\evil.com",
        "/clips/\\..\\evil",
        "/\t/evil.com",  # browsers drop tabs and newlines: //evil.com
        "/\n/evil.com",
        "/\r/evil.com",
        "/clips/\x00",
        "/clips/\x7f",
        "https://evil.com/",
        "http:/evil.com",
        "javascript:alert(1)",
        "data:text/html,hi",
        "evil.com",
        "clips/7",
        " /clips/7",
    ],
)
def test_anything_that_could_lead_elsewhere_falls_back(target):
    assert safe_next(target, FALLBACK) == FALLBACK


@pytest.mark.parametrize(
    "target", ["/\t/evil.com", "/\\evil.com", "//evil.com", "https://evil.com"]
)
def test_the_consent_form_never_sends_anyone_off_the_site(ctx, client, auth, session, demo, target):
    lesson = ready_clip(session, ctx.storage, ECT)
    auth.login(COORDINATOR)
    saved = post(
        client,
        f"/privacy/clips/{lesson.id}/consent",
        {"lawful_basis": "public_task", "consent_state": "all_consented", "next": target},
    )
    assert saved.status_code == 302
    register = f"/privacy/schools/{school_of(session, ECT)}/consent"
    assert saved.headers["Location"] == register


def test_the_consent_form_returns_to_the_clip(ctx, client, auth, session, demo):
    lesson = ready_clip(session, ctx.storage, ECT)
    auth.login(COORDINATOR)
    saved = post(
        client,
        f"/privacy/clips/{lesson.id}/consent",
        {"lawful_basis": "public_task", "consent_state": "all_consented", "next": "/clips/1"},
    )
    assert saved.status_code == 302 and saved.headers["Location"] == "/clips/1"


def test_signing_in_never_sends_anyone_off_the_site(client, auth, demo):
    for target in ("/\t/evil.com", "/\\evil.com"):
        page = client.get("/auth/login")
        response = client.post(
            "/auth/login",
            query_string={"next": target},
            data={"email": ECT, "password": DEMO_PASSWORD, "csrf_token": csrf_token(page.text)},
        )
        assert response.headers["Location"] == "/coaching/"  # the ECT's own home instead
        auth.logout()
