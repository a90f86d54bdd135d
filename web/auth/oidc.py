"""Signing in with a trust's Microsoft or Google accounts (OpenID Connect, through Authlib).

The start route sends the browser to the provider with a fresh state, nonce and PKCE (S256)
challenge, kept in the session cookie; the provider sends it back to the callback (a
top-level GET from another site, which the session's SameSite=Lax cookie survives), where
Authlib swaps the code for tokens and checks the ID token (signature, issuer, audience,
nonce). service.people.sign_in then decides who the account is, and the user is signed in
exactly as with a password (web.auth.routes.sign_in).
"""

from __future__ import annotations

import hashlib
import logging

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import current_app, flash, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from joserfc.errors import JoseError
from requests import RequestException

from service.errors import Forbidden
from service.models import SignInProvider
from service.people import sign_in as sign_in_settings
from web.auth.forms import LoginForm
from web.auth.routes import sign_in
from web.forms import ticked
from web.resources import db, resources

log = logging.getLogger(__name__)

REGISTRY = "authlib.integrations.flask_client"  # where OAuth.init_app keeps itself
PENDING = "sign_in_pending"  # the session key: where to go once the provider sends them back
SCOPE = "openid email profile"
TIMEOUT_SECONDS = 10  # each call to the provider: discovery, keys, token


def init_app(state: BlueprintSetupState) -> None:
    """Give the app its Authlib registry (the auth blueprint does this when registered)."""
    OAuth(state.app)


def _client(provider: SignInProvider) -> FlaskOAuth2App:
    """Return the Authlib client for a provider, registered the first time it is used.

    Its name carries a digest of the settings, so saved changes (a new secret, another
    tenant) take a fresh client with fresh discovery; a sign-in started before the change
    then fails its state check and is simply tried again.
    """
    oauth: OAuth = current_app.extensions[REGISTRY]
    settings = f"{provider.metadata_url}\n{provider.client_id}\n{provider.client_secret}"
    name = f"trust-sign-in-{provider.id}-{hashlib.sha256(settings.encode()).hexdigest()[:16]}"
    client = oauth.create_client(name)
    if client is None:
        client = oauth.register(
            name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": SCOPE,
                "code_challenge_method": "S256",  # PKCE; the nonce comes with the openid scope
                "default_timeout": TIMEOUT_SECONDS,
            },
        )
    return client


def callback_url(provider_id: int) -> str:
    """Return the address the provider sends people back to (registered with the provider)."""
    # The public address where the service has one, so it matches behind a proxy too.
    public = resources().settings.public_url
    if public:
        return public + url_for("auth.sso_callback", provider_id=provider_id)
    return url_for("auth.sso_callback", provider_id=provider_id, _external=True)


def _refused(message: str, status: int = 403) -> ResponseReturnValue:
    """Show the sign-in page again, saying why this sign-in did not work."""
    flash(message, "error")
    return render_template("auth/login.html", form=LoginForm()), status


def sso_start(provider_id: int) -> ResponseReturnValue:
    """Send the browser to the trust's provider to sign in (?next= and ?remember= kept)."""
    provider = sign_in_settings.provider_for_sign_in(db(), provider_id)
    session[PENDING] = {
        "provider": provider.id,
        "next": request.args.get("next"),
        "remember": ticked(request.args.get("remember")),
    }
    try:
        return _client(provider).authorize_redirect(callback_url(provider.id))
    except (AuthlibBaseError, RequestException, ValueError):
        log.exception("could not start sign-in with provider %s", provider.id)
        return _refused(
            f"We could not reach {provider.label} just now. Please try again in a minute, or "
            "sign in with your email and password.",
            503,
        )


def sso_callback(provider_id: int) -> ResponseReturnValue:
    """Finish signing in with the provider's answer, or show the sign-in page saying why not."""
    provider = sign_in_settings.provider_for_sign_in(db(), provider_id)
    pending = session.pop(PENDING, None) or {}
    if pending.get("provider") != provider.id:
        pending = {}
    if request.args.get("error"):  # they cancelled, or the provider refused them
        log.info("provider %s answered %s", provider.id, request.args.get("error"))
        return _refused(
            f"{provider.label} did not sign you in. Please try again, or sign in with your "
            "email and password."
        )
    try:
        client = _client(provider)
        token = client.authorize_access_token()
        issuer = str(client.load_server_metadata().get("issuer", ""))
    except (AuthlibBaseError, JoseError, RequestException, ValueError) as exc:
        # A state that is not this browser's (replayed, or a link from elsewhere), a code
        # already used, a token that fails its checks, or a provider that is down.
        log.warning("sign-in with provider %s failed: %r", provider.id, exc)
        return _refused(
            f"We could not finish signing you in with {provider.label}. Please start again "
            "from the sign-in page."
        )
    claims = token.get("userinfo") or {}
    try:
        user = sign_in_settings.match_identity(db(), provider, claims, issuer=issuer)
    except Forbidden as exc:
        return _refused(exc.message)
    return sign_in(user, remember=bool(pending.get("remember")), next_url=pending.get("next"))


def sign_in_buttons() -> dict[str, object]:
    """Give the sign-in page its buttons: one per enabled provider, with its trust's name."""

    def buttons() -> list[tuple[SignInProvider, str]]:
        providers = sign_in_settings.enabled_providers(db())
        return [(p, sign_in_settings.trust_name(db(), p)) for p in providers]

    return {"sign_in_providers": buttons}
