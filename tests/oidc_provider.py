"""A real OpenID Connect provider on this machine (oidc-provider-mock), and the browser's part
of signing in with it: the tests of web.auth.oidc sign in through it for real.

The mock issues signed ID tokens from http://localhost:<port>, with the claims a test sets for
a subject (PUT /users/<sub>), and its authorisation page signs in whoever's ``sub`` is posted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import oidc_provider_mock
import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

TIMEOUT = 10


@dataclass(frozen=True)
class Provider:
    """A provider running in a thread of this process."""

    url: str  # its issuer, http://localhost:<port>

    @property
    def metadata_url(self) -> str:
        """Return its discovery document's address."""
        return f"{self.url}/.well-known/openid-configuration"

    def register_client(self, redirect_uri: str) -> tuple[str, str]:
        """Register an app that sends people back to ``redirect_uri``; return its id and secret."""
        response = requests.post(
            f"{self.url}/oauth2/clients", json={"redirect_uris": [redirect_uri]}, timeout=TIMEOUT
        )
        response.raise_for_status()
        body = response.json()
        return body["client_id"], body["client_secret"]

    def set_claims(self, sub: str, claims: dict[str, object]) -> None:
        """Say what the provider tells apps about the account ``sub``."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=TIMEOUT)
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str | None) -> str:
        """Sign in at the provider's page as ``sub`` (None: press Deny); return where it sends
        the browser next (the app's callback, with a code or an error)."""
        data = {"sub": sub} if sub is not None else {"action": "deny"}
        response = requests.post(
            authorization_url, data=data, allow_redirects=False, timeout=TIMEOUT
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


@contextmanager
def running_provider() -> Iterator[Provider]:
    """Run a provider that knows only the clients registered with it, and asks for a nonce."""
    with oidc_provider_mock.run_server_in_thread(
        require_client_registration=True, require_nonce=True
    ) as server:
        yield Provider(f"http://localhost:{server.server_port}")


def sign_in_with(
    client: FlaskClient, provider: Provider, provider_id: int, sub: str | None, query: str = ""
) -> TestResponse:
    """Press the sign-in button, sign in at the provider as ``sub``, and come back; return the
    app's answer to the callback."""
    start = client.get(f"/auth/sso/{provider_id}{query}")
    assert start.status_code == 302, start.text
    assert start.location.startswith(provider.url)
    return client.get(provider.authorize(start.location, sub))
