"""A picture too small to watch fails with a clear reason, whichever way it was uploaded."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from media_pipeline import make_test_clip
from tests.conftest import csrf_token
from tests.web.test_resumable_uploads import Tus, lesson

ECT = "ect1@northfield.example"
TOO_SMALL = (
    "This video's picture is too small to watch (2 x 2 pixels; the least we take is 96 pixels "
    "on its shorter side). Please upload the original recording from your phone or camera."
)


@pytest.fixture
def tiny(tmp_path) -> bytes:
    made = make_test_clip(tmp_path / "tiny.mp4", width=2, height=2, duration=1.0)
    return Path(made).read_bytes()


def _form_upload(client, data: bytes) -> int:
    form = {
        "csrf_token": csrf_token(client.get("/clips/upload").text),
        "kind": "lesson",
        "title": "A square of one colour",
        "recorded_on": date.today().isoformat(),
        "file": (io.BytesIO(data), "tiny.mp4"),
    }
    response = client.post("/clips/upload", data=form, headers={"Accept": "application/json"})
    assert response.status_code == 201, response.text
    return response.json["id"]


def _resumable_upload(tus: Tus, data: bytes) -> int:
    url = tus.start(len(data), lesson(filename="tiny.mp4"))
    response = tus.patch(url, 0, data)
    assert response.status_code == 204, response.text
    return int(response.headers["Coachreel-Clip-Url"].rsplit("/", 1)[1])


def test_both_upload_paths_refuse_a_picture_too_small_to_watch(client, auth, demo, run_jobs, tiny):
    tus = Tus(client, auth, ECT)  # signs in as the ECT
    clip_ids = [_form_upload(client, tiny), _resumable_upload(tus, tiny)]

    run_jobs()  # the probe-clip job, as a worker runs it

    for clip_id in clip_ids:
        status = client.get(f"/clips/{clip_id}/status.json").json
        assert (status["status"], status["failure_reason"]) == ("failed", TOO_SMALL)
        assert client.get(f"/clips/{clip_id}/video.mp4").status_code == 404
