"""Who is calling the API: a personal access token, or a signed-in browser's session.

``Authorization: Bearer <token>`` is read on /api/ paths only, never elsewhere. A request that
sends a token and also a signed-in session's cookies is refused, so it is never unclear whose
request it is. Without a token, a signed-in browser may call the API as the pages do: reads,
and writes that carry the page's CSRF token (the API blueprint is exempt from Flask-WTF's own
check, which a token request does not need, so the check is made here for cookie writes).
"""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_login import current_user

from service import policy, tokens
from service.errors import Forbidden, InvalidInput
from service.models import User
from web.api.problems import BAD_TOKEN, NotSignedIn
from web.extensions import csrf, login_manager
from web.resources import db, resources, settings

PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_LIMIT = "600 per minute"  # per token (or per signed-in person without one)
READ_ONLY = (
    "This token can only read. To change things through the API, make a token that can "
    "change things on your settings page."
)
BOTH = "This request sent a token and a signed-in browser's cookies. Please send one or the other."


def is_api_request() -> bool:
    """Say whether this request is for the API."""
    return request.path.startswith(PREFIX)


def bearer_secret() -> str | None:
    """Return the token an API request sends, or None when it sends no Authorization header."""
    header = request.headers.get("Authorization")
    if header is None or not is_api_request():
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotSignedIn()
    return secret.strip()


def rate_limit() -> str:
    """Return the API's limit per token, from the app's config (tests lower it)."""
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_LIMIT)


def rate_key() -> str:
    """Key the API's rate limit by token (its hash), else by the signed-in person."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api-token:" + tokens.token_hash(header)
    user_id = getattr(current_user, "id", None)
    return f"api-user:{user_id}" if user_id else "api-anonymous:" + (request.remote_addr or "")


def _signed_in_by_cookie() -> bool:
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_user_id" in session or remember in request.cookies


def _authenticate() -> None:
    if not is_api_request():
        return None
    if settings().embedded_redis:
        # Started before the limiter counts this request (the app starts it on first use).
        resources().redis  # noqa: B018
    rule = policy.rule_for(request.endpoint)
    secret = bearer_secret()
    if secret is None:
        if rule is not None and rule != policy.Action.PUBLIC:
            if not current_user.is_authenticated:
                raise NotSignedIn()
            if request.method not in SAFE_METHODS:
                csrf.protect()  # a browser's write needs the page's CSRF token
        return None
    if _signed_in_by_cookie():
        raise InvalidInput(BOTH)
    found = tokens.authenticate(db(), secret)
    if found is None:
        raise NotSignedIn(BAD_TOKEN)
    user, token = found
    g.api_user, g.api_token = user, token
    if not token.can_write and request.method not in SAFE_METHODS:
        raise Forbidden(READ_ONLY)
    return None


def _load_from_token(_request) -> User | None:
    # Flask-Login asks this only when no session or remember cookie names a user; on the API a
    # token request with such cookies was refused above.
    return g.get("api_user") if is_api_request() else None


def init_app(app: Flask) -> None:
    """Read API tokens before the rate limit and the access policy see the request."""
    app.before_request(_authenticate)
    login_manager.request_loader(_load_from_token)
