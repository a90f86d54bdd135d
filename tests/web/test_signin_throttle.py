"""Sign-in throttling per account and per address, kept in the app's Redis."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import csrf_token

ECT = "ect1@northfield.example"
NOBODY = "nobody@northfield.example"


@pytest.fixture
def make_client(settings, ctx):
    """Build a test client of an app with these sign-in limits."""
    apps = []

    def make(**limits):
        from web import create_app

        app = create_app(settings.with_overrides(**limits))
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions["coachreel"].engine.dispose()


def _sign_in(client, email: str, password: str, address: str = "192.0.2.1"):
    environ = {"REMOTE_ADDR": address}
    page = client.get("/auth/login", environ_base=environ)
    return client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        environ_base=environ,
    )


def _messages(html: str) -> list[str]:
    return re.findall(r'<p class="flash [a-z]+" role="status">([^<]*)</p>', html)


def test_throttled_sign_ins_read_the_same_for_an_account_and_for_no_account(make_client, demo):
    client = make_client(signin_attempts_per_account=2, signin_window_seconds=15 * 60)
    answers = {}
    for email in (ECT, NOBODY):
        answers[email] = [
            (r.status_code, _messages(r.text))
            for r in [_sign_in(client, email, "wrong password") for _ in range(3)]
        ]
    assert answers[ECT] == answers[NOBODY]
    assert answers[ECT] == [
        (401, ["That email and password do not match an account."]),
        (401, ["That email and password do not match an account."]),
        (429, ["Too many sign-in attempts. Please try again in 15 minutes."]),
    ]
    # The right password is refused too while the account is throttled.
    throttled = _sign_in(client, ECT, "coachreel-demo")
    assert throttled.status_code == 429
    assert 14 * 60 < int(throttled.headers["Retry-After"]) <= 15 * 60


def test_the_email_is_counted_as_accounts_store_it(make_client, demo):
    client = make_client(signin_attempts_per_account=2)
    _sign_in(client, ECT, "wrong password")
    _sign_in(client, "  ECT1@Northfield.example ", "wrong password")
    assert _sign_in(client, ECT, "coachreel-demo").status_code == 429


def test_successful_sign_ins_are_not_counted(make_client, demo):
    client = make_client(signin_attempts_per_account=2)
    for _ in range(4):
        assert _sign_in(client, ECT, "coachreel-demo").status_code == 302


def test_one_address_trying_many_accounts_is_throttled(make_client, demo):
    client = make_client(signin_attempts_per_account=10, signin_attempts_per_address=3)
    for n in range(3):
        assert _sign_in(client, f"guess{n}@northfield.example", "wrong password").status_code == 401
    assert _sign_in(client, ECT, "coachreel-demo").status_code == 429
    # Someone at another address is not held up by it.
    assert _sign_in(client, ECT, "coachreel-demo", address="198.51.100.7").status_code == 302


def test_sign_in_works_again_after_the_window(make_client, demo):
    window = 3
    client = make_client(signin_attempts_per_account=2, signin_window_seconds=window)
    started = time.monotonic()
    _sign_in(client, ECT, "wrong password")
    _sign_in(client, ECT, "wrong password")
    throttled = _sign_in(client, ECT, "coachreel-demo")
    if time.monotonic() - started < window:  # a slow machine may already be past the window
        assert throttled.status_code == 429
        assert "Please try again in 1 minute." in _messages(throttled.text)[0]
    time.sleep(max(0.0, started + window + 1 - time.monotonic()))
    assert _sign_in(client, ECT, "coachreel-demo").status_code == 302


def test_sign_in_still_works_and_is_throttled_while_redis_is_out_of_reach(make_client, demo):
    client = make_client(
        redis_url="redis://127.0.0.1:1/0", signin_attempts_per_account=1, signin_window_seconds=60
    )
    assert _sign_in(client, ECT, "wrong password").status_code == 401
    assert _sign_in(client, ECT, "wrong password").status_code == 429
    client = make_client(redis_url="redis://127.0.0.1:1/0")
    assert _sign_in(client, ECT, "coachreel-demo").status_code == 302
