"""Sign-in throttling: failed sign-ins counted per account and per address in the app's Redis.

Only refused sign-ins count, and the email is counted whether or not it names an account, so
the answer never tells whether an account exists.
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, flash, render_template, request
from flask_limiter.util import get_remote_address

from config import Settings
from web.auth.forms import ForgotForm, LoginForm
from web.extensions import limiter
from web.resources import resources, settings

MESSAGE = "Too many sign-in attempts. Please try again in {wait}."
RESET_MESSAGE = "Too many requests for a new password. Please try again in {wait}."


def storage_uri(settings: Settings) -> str:
    """Return the limits library's URI for the app's Redis: the configured one or the socket."""
    url = settings.redis_url or f"unix://{settings.redis_socket}"
    if url.startswith("unix://"):
        return "redis+unix://" + url.removeprefix("unix://")
    return url


def per_account() -> str:
    """Return the limit on failed sign-ins for one email, from the app's settings."""
    config = settings()
    return f"{config.signin_attempts_per_account} per {config.signin_window_seconds} seconds"


def per_address() -> str:
    """Return the limit on failed sign-ins from one address, from the app's settings."""
    config = settings()
    return f"{config.signin_attempts_per_address} per {config.signin_window_seconds} seconds"


def account_key() -> str:
    """Key a sign-in attempt by the email it names, normalised as accounts store it."""
    return "account:" + (request.form.get("email") or "").strip().lower()


def address_key() -> str:
    """Key a sign-in attempt by the address it comes from."""
    return "address:" + (get_remote_address() or "unknown")


def refused(response: Response) -> bool:
    """Say whether a sign-in was refused, which is what the limits count."""
    return response.status_code == 401


def seconds_left() -> int:
    """Return the seconds until the breached limit's window ends."""
    current = limiter.current_limit
    # The window's own reset time: RequestLimit.reset_at rounds a second up for headers.
    reset = current.window.reset_time if current else time.time() + settings().signin_window_seconds
    return max(1, math.ceil(reset - time.time()))


def wait_text(seconds: int) -> str:
    """Say how long a wait of this many seconds is, in whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def too_many_attempts(_exc: Exception) -> tuple[str, int, dict[str, str]]:
    """Answer a throttled sign-in with the sign-in page and when to try again."""
    seconds = seconds_left()
    if request.endpoint == "auth.forgot":  # too many requests for a reset link
        flash(RESET_MESSAGE.format(wait=wait_text(seconds)), "error")
        page = render_template("auth/forgot.html", form=ForgotForm(), error="")
        return page, 429, {"Retry-After": str(seconds)}
    flash(MESSAGE.format(wait=wait_text(seconds)), "error")
    page = render_template("auth/login.html", form=LoginForm())
    return page, 429, {"Retry-After": str(seconds)}


def init_app(app: Flask, settings: Settings) -> None:
    """Keep the sign-in limits in the app's Redis."""
    app.config.update(
        RATELIMIT_STORAGE_URI=storage_uri(settings),
        RATELIMIT_KEY_PREFIX="coachreel-signin",
        # With Redis out of reach, count in this process instead: people can still sign in,
        # and guessing is still throttled.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    if settings.embedded_redis:
        # Registered before the limiter's own check, so the private Redis is running when the
        # first sign-in is counted (the app starts it on first use, not at start-up).
        @app.before_request
        def _start_embedded_redis() -> None:
            if request.endpoint in ("auth.login", "auth.forgot") and request.method == "POST":
                resources().redis  # noqa: B018 - starts the embedded Redis if it is not running

    limiter.init_app(app)
