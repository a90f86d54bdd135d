"""Security headers (web/security.py): the Content-Security-Policy, framing, referrer, caching,
HTTPS in production, and the session cookie's flags.

Every route for every role is checked by tests/web/test_access_matrix.py (with
tests/web/security_headers.py); these tests pin the details.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.demo.seed import DEMO_PASSWORD
from tests.conftest import csrf_token
from tests.factories import ready_clip
from tests.web.security_headers import directives, header_problems
from web import create_app, security

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"
ECT = "ect1@northfield.example"
ADMIN = "admin@coachreel.example"


def test_a_page_may_run_only_this_sites_scripts_and_never_be_framed(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    # Local storage: media comes from this site; the upload form reads a chosen file's length.
    assert policy["media-src"] == ["'self'", "blob:"] and policy["img-src"] == ["'self'"]
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # not in production
    assert header_problems("GET /auth/login", "auth.login", response) == []


def test_error_pages_and_json_carry_them_too(client, auth, demo):
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert header_problems("GET /no/such/page", "", missing) == []
    auth.login(ECT)
    answer = client.get("/clips/999999/status.json")
    assert answer.status_code == 404 and answer.is_json
    assert answer.headers["Cache-Control"] == "no-store"
    assert header_problems("GET status.json", "clips.status", answer) == []


def test_static_files_may_be_cached_and_media_keeps_its_own_rule(ctx, session, client, auth, demo):
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "no-store" not in css.headers.get("Cache-Control", "")
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    css.close()
    clip = ready_clip(session, ctx.storage, ECT)
    auth.login(ECT)
    with client.get(f"/clips/{clip.id}/video.mp4") as video:
        assert video.status_code == 200
        # Revalidated, so a seek can be answered 304; never kept by a shared cache.
        assert video.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    with client.get(f"/clips/{clip.id}/transcript.txt") as download:
        assert download.headers["Cache-Control"] == "no-store"  # about pupils, and no rule set


def test_the_session_cookie_is_http_only_and_same_site(client, auth, demo):
    response = auth.login(ECT)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development: plain HTTP on a laptop


def test_production_adds_hsts_and_secure_cookies(settings, ctx, demo):
    app = create_app(settings.with_overrides(env="production", secret_key="p" * 40))
    client = app.test_client()
    page = client.get("/auth/login", base_url="https://coachreel.example")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    token = csrf_token(page.text)
    response = client.post(
        "/auth/login",
        base_url="https://coachreel.example",
        headers={"Referer": "https://coachreel.example/auth/login"},  # CSRF over HTTPS asks
        data={"email": ECT, "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["coachreel"].engine.dispose()


def test_the_queue_dashboard_alone_may_run_its_inline_scripts(client, auth, demo):
    auth.login(ADMIN)
    dashboard = client.get("/admin/queues/")
    assert dashboard.status_code == 200
    assert dashboard.headers["Content-Security-Policy"] == security.DASHBOARD_POLICY
    policy = directives(dashboard.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["connect-src"] == ["'self'"]
    assert dashboard.headers["Cache-Control"] == "no-store"
    page = client.get("/clips/")
    assert "unsafe" not in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("public", [False, True])
def test_media_may_come_from_the_presigned_storage_host(
    settings, ctx, session, demo, s3_server, s3_url, public
):
    """The watch page lets the player follow the redirect to the bucket (videos and posters)."""
    origin = "https://media.school.example" if public else s3_server.endpoint
    config = settings.with_overrides(
        storage_url=s3_url,
        storage_proxy=False,
        storage_public_url="https://media.school.example" if public else None,
    )
    app = create_app(config)
    client = app.test_client()
    clip = ready_clip(session, app.extensions["coachreel"].storage, ECT)
    token = csrf_token(client.get("/auth/login").text)
    client.post("/auth/login", data={"email": ECT, "password": DEMO_PASSWORD, "csrf_token": token})
    watch = client.get(f"/clips/{clip.id}")
    policy = directives(watch.headers["Content-Security-Policy"])
    assert policy["media-src"] == ["'self'", origin, "blob:"]
    assert policy["img-src"] == ["'self'", origin]
    assert policy["script-src"] == ["'self'"]
    redirect = client.get(f"/clips/{clip.id}/video.mp4")
    assert redirect.status_code == 302 and redirect.headers["Location"].startswith(origin + "/")
    assert redirect.headers["Cache-Control"] == "private, no-store"
    app.extensions["coachreel"].engine.dispose()


# What the policy refuses in markup: inline script (a <script> without src, other than JSON
# data), event handler attributes, javascript: links, <style> elements and style attributes.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\son[a-z]+\s*="
    r"|javascript:"
    r"|<style\b"
    r"|\sstyle\s*=",
    re.IGNORECASE,
)


def test_no_template_has_inline_script_or_style():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert found == []
