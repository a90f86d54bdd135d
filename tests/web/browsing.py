"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright, and signing in.

The fixtures (a live server running the test app, a real worker process, the browser) live in
tests/web/conftest.py.
"""

from __future__ import annotations

import os

import pytest

from service.demo.seed import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"


def require_chromium() -> None:
    """Fail, never skip, without Debian's Chromium: `make test` installs it."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"browser tests need Debian's chromium at {CHROMIUM}: run make test, which installs "
            "it, or: sudo apt-get install -y chromium fonts-dejavu-core",
            pytrace=False,
        )


def sign_in(page, base: str, email: str, *, then: str = "/clips/") -> None:
    """Sign in and land on ``then`` (a ?next= page, as when sign-in interrupted a visit);
    ``then=None`` lands where signing in sends this person: their own home page."""
    page.goto(f"{base}/auth/login" + (f"?next={then}" if then else ""))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    if then:
        page.wait_for_url(f"{base}{then}")
    else:
        page.wait_for_url(lambda url: "/auth/login" not in url)
