"""Form posts from the test client, with the CSRF token a page gave it."""

from __future__ import annotations

from tests.conftest import csrf_token

JSON = {"Accept": "application/json"}


def token(client) -> str:
    """A CSRF token for the client's session, from the clips page."""
    return csrf_token(client.get("/clips/").text)


def post(client, url: str, data: dict | None = None, **kwargs):
    """Post ``data`` to ``url`` with a fresh CSRF token."""
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, **kwargs)
