def test_login_page_and_redirect_when_signed_out(client):
    response = client.get("/clips/")
    assert response.status_code == 302
    assert "/auth/login?next=/clips/" in response.headers["Location"]


def test_sign_in_and_out(client, auth, demo):
    response = auth.login("ect1@northfield.example")
    assert response.status_code == 302
    page = client.get("/clips/")
    assert page.status_code == 200
    assert "Sam Taylor" in page.text
    assert "Upload a clip" in page.text
    auth.logout()
    assert client.get("/clips/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, auth, demo):
    response = auth.login("ect1@northfield.example", "wrong")
    assert response.status_code == 401
    assert "do not match an account" in response.text


def test_login_without_csrf_token_is_refused(client, demo):
    response = client.post(
        "/auth/login", data={"email": "ect1@northfield.example", "password": "coachreel-demo"}
    )
    assert response.status_code == 400
    assert "session has expired" in response.text


def test_next_never_leaves_the_site(client, auth, demo):
    page = client.get("/auth/login?next=//evil.example/")
    from tests.conftest import csrf_token

    response = client.post(
        "/auth/login?next=//evil.example/",
        data={
            "email": "ect1@northfield.example",
            "password": "coachreel-demo",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["Location"] == "/coaching/"  # an ECT's own home
