"""The notification pages: the header's count, the centre, opening one, email choices, and
the unsubscribe link working without sign-in (and one-click, without a CSRF token)."""

from __future__ import annotations

import re

from service.models import DeliveryMode
from service.notify import preferences
from tests.conftest import csrf_token
from tests.factories import ready_clip, user

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"


def test_the_mentor_sees_the_count_opens_the_clip_and_marks_all_read(
    client, auth, session, ctx, demo
):
    first = ready_clip(session, ctx.storage, ECT, title="Fractions")
    ready_clip(session, ctx.storage, ECT, title="Ratio")
    auth.login(MENTOR)
    home = client.get("/clips/")
    assert 'aria-label="Notifications, 2 unread"' in home.text
    assert "Notifications (2)" in home.text
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert page.text.index("Ratio") < page.text.index("Fractions")  # newest first
    opens = re.findall(r'action="(/notifications/\d+/open)"', page.text)
    token = csrf_token(page.text)
    opened = client.post(opens[1], data={"csrf_token": token})
    assert opened.status_code == 302 and opened.location == f"/clips/{first.id}"
    assert "Notifications (1)" in client.get("/clips/").text
    client.post("/notifications/read", data={"csrf_token": token})
    after = client.get("/clips/").text
    assert "Notifications (" not in after and ">Notifications</a>" in after


def test_email_choices_are_saved_and_a_bad_one_refused(client, auth, session, demo):
    auth.login(MENTOR)
    page = client.get("/notifications/settings")
    assert page.status_code == 200 and 'name="mode-clip_uploaded"' in page.text
    token = csrf_token(page.text)
    saved = client.post(
        "/notifications/settings", data={"csrf_token": token, "mode-clip_uploaded": "digest"}
    )
    assert saved.status_code == 302
    chosen = {c.kind.key: c.mode for c in preferences.choices(session, user(session, MENTOR))}
    assert chosen["clip_uploaded"] == DeliveryMode.DIGEST
    refused = client.post(
        "/notifications/settings", data={"csrf_token": token, "mode-clip_uploaded": "loud"}
    )
    assert refused.status_code == 400 and "Please choose at once" in refused.text
    refused = client.post(
        "/notifications/settings", data={"csrf_token": token, "mode-step_set": "off"}
    )
    assert refused.status_code == 400  # an ECT's kind, not the mentor's


def test_unsubscribe_needs_no_sign_in_and_one_click_needs_no_csrf(client, app, session, demo):
    mentor = user(session, MENTOR)
    token = preferences.unsubscribe_token(app.config["SECRET_KEY"], mentor.id, "clip_uploaded")
    page = client.get(f"/notifications/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop emailing Daniel Okafor" in page.text
    done = client.post(f"/notifications/unsubscribe/{token}", data="List-Unsubscribe=One-Click")
    assert done.status_code == 200 and "no longer email" in done.text
    session.expire_all()
    chosen = {c.kind.key: c.mode for c in preferences.choices(session, mentor)}
    assert chosen["clip_uploaded"] == DeliveryMode.OFF
    assert client.post("/notifications/unsubscribe/forged").status_code == 400
