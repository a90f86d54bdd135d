"""The API with personal access tokens: made, read-only, revoked, deactivated, rate-limited;
problem details; the OpenAPI document validates."""

from __future__ import annotations

from openapi_spec_validator import validate

from service import tokens
from service.people import leavers
from tests import factories

OWNER = "ect1@northfield.example"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_openapi_document_validates(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    assert "/api/v1/clips" in spec["paths"]


def test_token_reads_as_its_person_and_only_a_hash_is_kept(ctx, session, demo, client):
    clip = factories.ready_clip(session, ctx.storage, OWNER, title="Token clip")
    owner = session.get(type(demo[OWNER]), demo[OWNER].id)
    token, secret = tokens.create_token(session, owner, "MIS", can_write=False)
    assert secret not in token.token_hash and token.token_hash == tokens.token_hash(secret)
    answer = client.get("/api/v1/clips", headers=bearer(secret))
    assert answer.status_code == 200
    assert [c["title"] for c in answer.get_json()["items"]] == ["Token clip"]
    # A read-only token may not write: 403 problem details.
    write = client.post(
        f"/api/v1/clips/{clip.id}/comments",
        json={"at_seconds": 1, "body": "Hi"},
        headers=bearer(secret),
    )
    assert write.status_code == 403
    assert write.mimetype == "application/problem+json"
    assert write.get_json()["detail"].startswith("This token can only read.")


def test_write_token_comments_and_problems_use_page_words(ctx, session, demo, client):
    clip = factories.ready_clip(session, ctx.storage, OWNER, title="Token clip")
    mentor = session.get(type(demo[OWNER]), demo["mentor1@northfield.example"].id)
    _token, secret = tokens.create_token(session, mentor, "App", can_write=True)
    made = client.post(
        f"/api/v1/clips/{clip.id}/comments",
        json={"at_seconds": 2, "body": "Good start", "kind": "praise"},
        headers=bearer(secret),
    )
    assert made.status_code == 201, made.get_json()
    reply = client.post(
        f"/api/v1/clips/{clip.id}/comments/{made.get_json()['id']}/replies",
        json={"body": "Thanks"},
        headers=bearer(secret),
    )
    assert reply.status_code == 201
    missing = client.get("/api/v1/clips/999999", headers=bearer(secret))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert set(missing.get_json()) == {"type", "title", "status", "detail"}
    bad = client.post(f"/api/v1/clips/{clip.id}/comments", json={"body": 5}, headers=bearer(secret))
    assert bad.status_code == 422 and "errors" in bad.get_json()


def test_revoked_and_deactivated_tokens_stop_working(session, demo, client):
    owner = session.get(type(demo[OWNER]), demo[OWNER].id)
    token, secret = tokens.create_token(session, owner, "One", can_write=False)
    _other, second = tokens.create_token(session, owner, "Two", can_write=False)
    tokens.revoke_token(session, owner, token.id)
    assert client.get("/api/v1/clips", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/clips", headers=bearer(second)).status_code == 200
    admin = session.get(type(demo[OWNER]), demo["admin@coachreel.example"].id)
    leavers.deactivate(session, admin, owner.id)
    answer = client.get("/api/v1/clips", headers=bearer(second))
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_rate_limited(app, session, demo, client):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    owner = session.get(type(demo[OWNER]), demo[OWNER].id)
    _token, secret = tokens.create_token(session, owner, "Busy", can_write=False)
    codes = [client.get("/api/v1/clips", headers=bearer(secret)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_tokens_page_makes_shows_once_and_revokes(client, auth, demo):
    from tests.conftest import csrf_token

    auth.login(OWNER)
    page = client.get("/settings/tokens/")
    assert page.status_code == 200
    made = client.post(
        "/settings/tokens/",
        data={"csrf_token": csrf_token(page.text), "name": "Reports", "can_write": "y"},
    )
    assert made.status_code == 201 and "Copy your new token now" in made.text
    assert "crt_" in made.text
    again = client.get("/settings/tokens/").text
    assert "Reports" in again and "Copy your new token now" not in again


def test_a_mentor_cuts_a_highlight_through_the_api(ctx, session, demo, client):
    clip = factories.ready_clip(session, ctx.storage, OWNER, title="Y8 fractions", duration=30)
    mentor = session.get(type(demo[OWNER]), demo["mentor1@northfield.example"].id)
    _token, secret = tokens.create_token(session, mentor, "App", can_write=True)
    body = {"start": 5, "end": 12.5, "title": "Cold call", "kind": "model"}
    made = client.post(f"/api/v1/clips/{clip.id}/highlights", json=body, headers=bearer(secret))
    assert made.status_code == 201, made.get_json()
    data = made.get_json()
    assert (data["kind"], data["status"], data["title"]) == ("model", "uploaded", "Cold call")
    assert data["cut_from"] == {
        "source_clip_id": clip.id,
        "title": "Y8 fractions",
        "start": 5.0,
        "end": 12.5,
        "deleted": False,
    }
    # The ECT whose lesson it shows reads it too; an ECT cannot save a model clip.
    owner = session.get(type(demo[OWNER]), demo[OWNER].id)
    _token, mine = tokens.create_token(session, owner, "Phone", can_write=True)
    seen = client.get(f"/api/v1/clips/{data['id']}", headers=bearer(mine))
    assert seen.status_code == 200 and seen.get_json()["cut_from"]["source_clip_id"] == clip.id
    refused = client.post(f"/api/v1/clips/{clip.id}/highlights", json=body, headers=bearer(mine))
    assert refused.status_code == 400
    assert refused.get_json()["detail"] == "You cannot save a highlight as that kind of clip."
