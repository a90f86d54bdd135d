"""The site's icon: linked from every page, and served at /favicon.ico for browsers that ask
there whatever a page links (no 404 in the log for every video or JSON opened on its own)."""

from __future__ import annotations

ECT = "ect1@northfield.example"


def _get(client, url: str):
    """Fetch a file, read it and close the response (it holds the file open)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def test_the_icon_is_linked_and_answers_at_favicon_ico(client, auth, demo):
    page = client.get("/auth/login").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    svg = _get(client, "/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data.startswith(b"<svg")
    for signed_in in (False, True):
        if signed_in:
            auth.login(ECT)
        icon = _get(client, "/favicon.ico")
        assert icon.status_code == 200, signed_in
        assert icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    # The static files keep their own addresses beside the alias.
    assert _get(client, "/static/app.css").status_code == 200
