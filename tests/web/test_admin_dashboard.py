"""The queue dashboard at /admin/queues: admins only, on the app's Redis, with CSRF kept on."""

from __future__ import annotations

import io
from datetime import date

import pytest
from rq import Queue
from rq.job import JobStatus

from service.clips import upload
from service.models import User
from tests.conftest import csrf_token
from tests.web.browsing import sign_in
from workers.queues import PROCESS_QUEUE, enqueue_processing
from workers.runner import PromptSimpleWorker

ADMIN = "admin@coachreel.example"
COORDINATOR = "coordinator@northfield.example"


def _queued_clip(ctx, session, demo) -> int:
    owner = session.get(User, demo["ect1@northfield.example"].id)
    clip = upload.register_upload(
        session,
        ctx.storage,
        owner,
        upload.UploadDetails(upload.ClipKind.LESSON, "Queued", date.today(), "q.mp4"),
        io.BytesIO(b"bytes"),
        max_bytes=1000,
    )
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    return clip.id


def test_admin_sees_the_queues_of_the_apps_own_redis(ctx, session, demo, client, auth):
    clip_id = _queued_clip(ctx, session, demo)
    auth.login(ADMIN)
    assert 'href="/admin/queues/"' in client.get("/clips/").text  # the nav link
    page = client.get("/admin/queues/")
    assert page.status_code == 200
    assert "RQ dashboard" in page.text
    queues = client.get("/admin/queues/0/data/queues.json").get_json()["queues"]
    assert {q["name"]: q["count"] for q in queues}[PROCESS_QUEUE] == 1
    jobs = client.get(f"/admin/queues/0/data/jobs/{PROCESS_QUEUE}/queued/8/asc/1.json").get_json()
    assert [job["id"] for job in jobs["jobs"]] == [f"probe-clip-{clip_id}"]


def test_others_are_refused_and_the_anonymous_sent_to_sign_in(ctx, session, demo, client, auth):
    anonymous = client.get("/admin/queues/")
    assert anonymous.status_code == 302
    assert "/auth/login" in anonymous.headers["Location"]
    assert client.get("/admin/queues/0/data/queues.json").status_code == 401
    auth.login(COORDINATOR)
    page = client.get("/clips/").text
    assert 'href="/admin/queues/"' not in page
    assert client.get("/admin/queues/").status_code == 403
    assert client.get("/admin/queues/0/data/workers.json").status_code == 403
    compact = client.post(
        "/admin/queues/queue/process/compact", data={"csrf_token": csrf_token(page)}
    )
    assert compact.status_code == 403


def test_dashboard_posts_carry_our_csrf_token_from_its_cookie(ctx, session, demo, client, auth):
    _queued_clip(ctx, session, demo)
    auth.login(ADMIN)
    client.get("/admin/queues/")
    cookie = client.get_cookie("_csrf_token", path="/admin/queues")
    assert cookie is not None
    assert cookie.same_site == "Strict" and not cookie.http_only
    assert client.get_cookie("_csrf_token", path="/") is None  # only the dashboard's pages
    url = f"/admin/queues/queue/{PROCESS_QUEUE}/queued/empty"
    # Without the token (a form posted from another site): refused, and nothing changes.
    assert client.post(url).status_code == 400
    assert Queue(PROCESS_QUEUE, connection=ctx.redis).count == 1
    # The dashboard's own script sends the cookie's value as X-CSRFToken.
    answer = client.post(url, headers={"X-CSRFToken": cookie.value})
    assert answer.status_code == 200 and answer.get_json()["status"] == "OK"
    assert Queue(PROCESS_QUEUE, connection=ctx.redis).count == 0


def test_requeue_all_answers_post_only(ctx, session, demo, client, auth):
    # It also answers GET upstream, and CSRF checks skip GET: a link could requeue every job.
    auth.login(ADMIN)
    assert client.get(f"/admin/queues/requeue/{PROCESS_QUEUE}").status_code == 405


@pytest.mark.browser
def test_admin_requeues_a_failed_job_from_the_dashboard_page(ctx, demo, live_server, browser):
    # The dashboard's own script must get our CSRF token to the server, or its buttons fail.
    queue = Queue(PROCESS_QUEUE, connection=ctx.redis)
    job = queue.enqueue("builtins.int", "not a number", job_id="dashboard-failed")
    PromptSimpleWorker([queue], connection=ctx.redis).work(burst=True, with_scheduler=False)
    assert job.get_status(refresh=True) == JobStatus.FAILED
    page = browser.new_context().new_page()
    sign_in(page, live_server, ADMIN)
    page.click("nav >> text=Queues")
    page.goto(f"{live_server}/admin/queues/0/view/jobs/{PROCESS_QUEUE}/failed/8/asc/1")
    row = page.locator("tr[data-job-id='dashboard-failed']")
    with page.expect_response(lambda r: r.url.endswith("/requeue")) as answer:
        row.locator("[data-role=requeue-job-btn]").click()
    assert answer.value.status == 200
    assert job.get_status(refresh=True) == JobStatus.QUEUED
    assert queue.count == 1
