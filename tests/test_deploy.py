"""Deployment: the compose file, .env.example, gunicorn's settings, create-admin, JSON logs, and
the client address behind a reverse proxy."""

from __future__ import annotations

import io
import json
import logging
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from flask import request

from service import accounts, policy
from tests.conftest import worker_env
from web import create_app
from web.auditing import request_ip
from web.cli import main
from workers.queues import QUEUES, enqueue_processing

REPO = Path(__file__).resolve().parent.parent
LONG_RUNNING = {"web", "worker", "transcribe", "postgres", "redis", "minio"}
ONE_SHOT = {"migrate", "minio-init"}
SECRET = re.compile(r"PASSWORD|SECRET|ACCESS_KEY|ROOT_USER")
REQUIRED_REF = re.compile(r"^\$\{(\w+):\?[^}]+\}$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        line = line.strip().removeprefix("# ")
        if re.fullmatch(r"[A-Z][A-Z0-9_]*=.*", line):
            name, value = line.split("=", 1)
            pairs[name] = value
    return pairs


def test_services_health_checks_and_order(compose):
    services = compose["services"]
    assert set(services) == LONG_RUNNING | ONE_SHOT
    for name in LONG_RUNNING:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in ONE_SHOT:
        assert services[name]["restart"] == "no"
    for name in ("web", "worker", "transcribe"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["minio-init"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == ["coachreel", "migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "--appendonly" in services["redis"]["command"]


def test_web_runs_gunicorn_and_every_queue_is_served(compose):
    services = compose["services"]
    assert services["web"]["command"][:3] == ["gunicorn", "-c", "python:web.gunicorn_conf"]
    served = set()
    for service in services.values():
        command = service.get("command") or []
        if command[:2] == ["coachreel", "worker"]:
            served.update(command[command.index("--queues") + 1].split(","))
    assert served == set(QUEUES)
    for name in ("web", "worker", "transcribe"):  # the workers' sweeper expires uploads
        assert "uploads:/uploads" in services[name]["volumes"]


def test_minio_bucket_is_made_and_kept_private(compose):
    init = compose["services"]["minio-init"]
    assert init["image"].startswith("minio/mc")
    assert init["depends_on"]["minio"]["condition"] == "service_healthy"
    script = (REPO / "deploy" / "minio-init.sh").read_text()
    assert "mc alias set" in script
    assert "mc mb --ignore-existing" in script
    assert 'mc anonymous set none "local/$bucket"' in script


def test_no_secret_is_written_in_the_compose_file(compose):
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET.search(key):
                assert REQUIRED_REF.match(str(value)), f"{name}: {key} must come from .env"
            if key == "DATABASE_URL":
                assert "${POSTGRES_PASSWORD:?" in value
    # Nothing that looks like a credential sits in a URL or a command either.
    text = (REPO / "docker-compose.yml").read_text()
    assert not re.search(r"://[^:/\s]+:[^$@\s]+@", text), "a password written into a URL"


def test_env_example_documents_every_setting():
    example = _env_example()
    source = (REPO / "config" / "settings.py").read_text()
    read = set(re.findall(r'get\("([A-Z][A-Z0-9_]+)"\)', source))
    # Set by the image or the compose file itself, or meaningless in containers.
    fixed = {"COACHREEL_ENV", "COACHREEL_INSTANCE", "DATABASE_URL", "REDIS_URL", "MEDIA_DIR"}
    fixed |= {"FFMPEG_BINARY"}
    assert read - fixed - set(example) == set()
    lines = (REPO / "docker-compose.yml").read_text().splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    referenced = set(re.findall(r"\$\{(\w+)", code))
    assert referenced - set(example) == set(), "compose reads a variable .env.example lacks"
    assert example["STORAGE_URL"] == "s3://coachreel/media"
    assert example["AWS_ENDPOINT_URL"] == "http://minio:9000"


def test_gunicorn_workers_follow_the_cores_unless_web_concurrency(monkeypatch, tmp_path):
    monkeypatch.setenv("COACHREEL_INSTANCE", str(tmp_path))
    monkeypatch.delenv("COACHREEL_ENV", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 3)
    conf = runpy.run_path(str(REPO / "web" / "gunicorn_conf.py"))
    assert conf["workers"] == 7
    assert conf["timeout"] >= 600
    assert conf["worker_class"] == "web.gunicorn_worker.ThreadWorker"  # gthread, Ctrl-C safe
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    monkeypatch.setenv("LOG_FORMAT", "json")
    conf = runpy.run_path(str(REPO / "web" / "gunicorn_conf.py"))
    assert conf["workers"] == 2
    formatter = conf["logconfig_dict"]["formatters"]["app"]
    assert formatter == {"()": "workers.context.JsonFormatter"}


def test_create_admin_prompts_for_the_password(session, settings):
    runner = CliRunner()
    env = worker_env(settings)
    args = ["create-admin", "Head@School.example"]
    result = runner.invoke(main, args, input="a long enough pass\n" * 2, env=env)
    assert result.exit_code == 0, result.output
    admin = accounts.authenticate(session, "head@school.example", "a long enough pass")
    assert admin is not None and policy.is_admin(admin)
    again = runner.invoke(main, args, input="a long enough pass\n" * 2, env=env)
    assert again.exit_code == 1 and "already has an account" in again.output
    short = runner.invoke(main, ["create-admin", "b@school.example"], input="short\nshort\n")
    assert short.exit_code == 2


def test_worker_logs_one_json_object_a_line_with_job_and_clip(ctx, settings):
    # A clip that does not exist: the job logs and ends.
    enqueue_processing(ctx.redis, 424242, stale_after=ctx.stale_after)
    result = subprocess.run(
        [sys.executable, "-m", "web.cli", "worker", "--burst", "--queues", "process"],
        env={**worker_env(settings), "LOG_FORMAT": "json"},
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    gone = [line for line in lines if "no longer exists" in line["message"]]
    assert gone and gone[0]["job_id"] == "probe-clip-424242" and gone[0]["clip_id"] == 424242
    assert gone[0]["logger"] == "workers.process"


@pytest.fixture
def app_logs(monkeypatch):
    """Restore the root logger that create_app (outside tests) takes over."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield
    root.handlers[:], level = saved
    root.setLevel(level)


def test_web_logs_json_with_the_path_and_user(settings, ctx, demo, app_logs, monkeypatch):
    app = create_app(settings.with_overrides(testing=False, log_format="json"))
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)

    def boom():
        raise RuntimeError("kaboom")

    app.add_url_rule("/boom", "boom", boom)
    monkeypatch.setitem(policy.ENDPOINT_RULES, "boom", policy.Action.SIGNED_IN)
    client = app.test_client()
    token = _csrf(client.get("/auth/login").text)
    client.post(
        "/auth/login",
        data={
            "email": "admin@coachreel.example",
            "password": "coachreel-demo",
            "csrf_token": token,
        },
    )
    assert client.get("/boom").status_code == 500
    app.extensions["coachreel"].engine.dispose()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    admin_id = str(demo["admin@coachreel.example"].id)
    error = next(line for line in lines if line["level"] == "ERROR")
    assert error["path"] == "/boom" and error["user_id"] == admin_id
    assert "kaboom" in error["exception"]
    request_line = next(line for line in lines if line["message"] == "GET /boom 500")
    assert request_line["status"] == 500 and request_line["user_id"] == admin_id
    assert "duration_ms" in request_line


def _csrf(html: str) -> str:
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.mark.parametrize(
    ("hops", "ip", "scheme"), [(1, "203.0.113.9", "https"), (0, "10.0.0.2", "http")]
)
def test_proxy_hops_decide_whose_forwarded_headers_count(
    settings, ctx, monkeypatch, hops, ip, scheme
):
    app = create_app(settings.with_overrides(proxy_hops=hops))
    app.add_url_rule("/echo-ip", "echo_ip", lambda: f"{request_ip()} {request.scheme}")
    monkeypatch.setitem(policy.ENDPOINT_RULES, "echo_ip", policy.Action.PUBLIC)
    answer = app.test_client().get(
        "/echo-ip",
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    app.extensions["coachreel"].engine.dispose()
    # One proxy: its own entry (the right-most) is the client; a client's forged left-hand
    # entries are ignored. No proxies: the headers are the client's to invent, so ignored.
    assert answer.text == f"{ip} {scheme}"
