"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright, and signing in.

The fixtures (a live server running the test app, a real worker process, the browser) live in
tests/web/conftest.py.
"""

from __future__ import annotations

import os

import pytest

from service.seed import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"


def require_chromium() -> None:
    """Skip without Debian's Chromium on a laptop; in CI its absence is a failure."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/clips/")
