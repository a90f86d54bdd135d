"""The account commands: create-admin keeps the password rule; deactivate ends sessions."""

from __future__ import annotations

from click.testing import CliRunner

from service import accounts
from tests.conftest import worker_env
from web.cli import main

ECT = "ect1@northfield.example"


def test_create_admin_refuses_a_password_the_rule_refuses(session, settings):
    runner = CliRunner()
    env = worker_env(settings)
    for weak, why in [
        ("password123", "too easy to guess"),
        ("boss@school.example", "not your email address"),
        ("short", "at least 10 characters"),
    ]:
        result = runner.invoke(
            main, ["create-admin", "boss@school.example"], input=f"{weak}\n" * 2, env=env
        )
        assert result.exit_code == 2 and why in result.output
    assert accounts.authenticate(session, "boss@school.example", "password123") is None


def test_deactivate_ends_the_accounts_open_session(client, auth, demo, settings):
    auth.login(ECT)
    assert client.get("/clips/").status_code == 200
    result = CliRunner().invoke(main, ["deactivate", ECT], env=worker_env(settings))
    assert result.exit_code == 0, result.output
    assert client.get("/clips/").status_code == 302
    assert auth.login(ECT).status_code == 401
    unknown = CliRunner().invoke(main, ["deactivate", "nobody@x.example"], env=worker_env(settings))
    assert unknown.exit_code == 1 and "has no account" in unknown.output
