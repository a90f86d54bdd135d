"""Every file of the hostile corpus, uploaded through the real route and run by a real worker.

Each upload must end as tests/hostile_files.py says (ready, failed with a sentence a teacher
can read, or refused at upload); a planted secret must never reach any stored object or row;
the service must keep answering; and failed clips must leave only their original behind.
"""

from __future__ import annotations

import io
import secrets
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import Base, Clip
from service.storage import keys as storage_keys
from tests.conftest import csrf_token
from tests.hostile_files import FAILED, READY, REFUSED, HostileFile, build_corpus

ECT = "ect1@northfield.example"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def marker() -> str:
    return f"COACHREEL-SECRET-{secrets.token_hex(12)}"


@pytest.fixture(scope="module")
def beside_jobs() -> str:
    # Not the marker: the playlists naming it are stored as originals.
    return f"secret-{secrets.token_hex(4)}.txt"


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory, marker: str, beside_jobs: str
) -> list[HostileFile]:
    folder = tmp_path_factory.mktemp("hostile")
    secret = folder / "secret.txt"
    secret.write_text(f"{marker}\nroot:x:0:0:{marker}:/root:/bin/bash\n")
    entries = build_corpus(folder / "files", secret, f"../{beside_jobs}")
    assert len(entries) >= 25
    return entries


def _upload(client, entry: HostileFile):
    token = csrf_token(client.get("/clips/upload").text)
    form = {
        "csrf_token": token,
        "kind": "lesson",
        "title": f"Hostile: {entry.why}"[:200],
        "recorded_on": date.today().isoformat(),
        "file": (io.BytesIO(entry.path.read_bytes()), entry.name),
    }
    return client.post("/clips/upload", data=form, headers={"Accept": "application/json"})


def _work_folders(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()


def _still_serving(client) -> None:
    assert client.get("/health").status_code == 200
    assert client.get("/clips/").status_code == 200


def _readable(reason: str) -> bool:
    """Say whether a failure reason reads as sentences for a teacher, not a log line."""
    technical = ("ffmpeg", "errno", "traceback", "exception", "invalid data", "/", "0x", "avi:")
    return (
        reason[:1].isupper()
        and reason.rstrip().endswith(".")
        and 20 <= len(reason) <= 300
        and not any(word in reason.lower() for word in technical)
    )


def test_hostile_uploads_end_as_expected_and_leak_nothing(
    client, auth, demo, ctx, run_jobs, settings, corpus, marker, beside_jobs
):
    # A job keeps the upload at <work root>/<kind>-<id>-XXXX/original, so "../" from there is
    # the work root: plant a copy of the secret where a relative reference would land.
    settings.work_path.mkdir(parents=True, exist_ok=True)
    (settings.work_path / beside_jobs).write_text(
        f"{marker}\nroot:x:0:0:{marker}:/root:/bin/bash\n"
    )
    auth.login(ECT)
    before = _work_folders(settings.work_path)
    uploaded: dict[int, HostileFile] = {}
    for entry in corpus:
        response = _upload(client, entry)
        if entry.outcome == REFUSED:
            assert response.status_code == 400, (entry.name, response.status_code)
            assert entry.phrase in response.json["error"], entry.name
        else:
            assert response.status_code == 201, (entry.name, response.status_code, response.text)
            uploaded[response.json["id"]] = entry
        _still_serving(client)

    run_jobs()  # probe, process and transcribe every clip, as a worker does
    _still_serving(client)

    wrong = []
    expected_keys: set[str] = set()
    for clip_id, entry in uploaded.items():
        status = client.get(f"/clips/{clip_id}/status.json").json
        keys = set(ctx.storage.keys(f"clips/{clip_id}/"))
        original = storage_keys.original_key(clip_id)
        if status["status"] != entry.outcome:
            wrong.append(f"{entry.name}: {status['status']} ({status['failure_reason']})")
            continue
        if entry.outcome == READY:
            # Playable, and the transcript reached an end (an empty one, for a tone).
            assert status["transcript"]["status"] in ("ready", "failed"), entry.name
            outputs = {original, storage_keys.video_key(clip_id), storage_keys.poster_key(clip_id)}
            captions = f"clips/{clip_id}/captions.vtt"
            # Its stream, whole: the master playlist and, per rendition, a playlist, a header
            # and segments (a sound-only clip has none).
            stream = {k for k in keys if k.startswith(storage_keys.stream_prefix(clip_id))}
            assert all(storage_keys.STREAM_NAME.match(k.split("/hls/", 1)[1]) for k in stream)
            if stream:
                assert storage_keys.stream_master_key(clip_id) in stream, (entry.name, stream)
            assert keys - stream in (outputs, outputs | {captions}), (entry.name, keys)
        else:
            assert entry.outcome == FAILED
            reason = status["failure_reason"] or ""
            assert entry.phrase in reason, (entry.name, reason)
            assert _readable(reason), (entry.name, reason)
            assert client.get(f"/clips/{clip_id}").status_code == 200  # the page shows it
            assert client.get(f"/clips/{clip_id}/video.mp4").status_code == 404
            # The original stays (its owner may look at it or delete it); no outputs at all.
            assert keys == {original}, (entry.name, keys)
        expected_keys |= keys
    assert wrong == [], "\n".join(wrong)

    # Nothing stray in storage: exactly the objects the clips name.
    assert set(ctx.storage.keys()) == expected_keys
    with ctx.sessions() as session:
        assert set(session.scalars(select(Clip.id))) == set(uploaded)

    # The secret reached no stored object, in any encoding a demuxer might have used.
    needles = [marker.encode(), marker.encode("utf-16-le"), marker.encode("utf-16-be")]
    for key in ctx.storage.keys():
        with ctx.storage.open(key) as stored:
            data = stored.read()
        assert not any(n in data for n in needles), f"the secret leaked into {key}"
    # ... nor any row: transcripts, failure reasons, file names, job notes.
    with ctx.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(table.select()):
                assert marker not in repr(tuple(row)), f"the secret leaked into {table.name}"

    # No half-written objects or job folders left behind.
    if settings.media_dir.exists():
        assert [p for p in settings.media_dir.rglob(".part-*")] == []
    assert _work_folders(settings.work_path) - before == set()
