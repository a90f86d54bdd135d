"""The one deletion path, as an owner uses it: storage that refuses leaves the clip (and no
audit event) for another try; a clip whose files a job is writing waits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.clips import manage
from service.errors import InvalidInput, Unavailable
from service.induction import evidence, observations
from service.models import AuditEvent, BlurStatus, Clip, Observation, TranscriptStatus, User
from service.storage import keys
from tests.factories import ready_clip
from tests.failing_storage import FailingStorage

ECT = "ect1@northfield.example"


def test_storage_that_refuses_leaves_the_clip_for_another_try(ctx, session, demo):
    clip = ready_clip(session, ctx.storage, ECT, title="Stubborn")
    owner = session.get(User, demo[ECT].id)
    failing = FailingStorage(ctx.storage, keys.poster_key(clip.id))
    with pytest.raises(Unavailable, match="the clip is still here"):
        manage.delete_own_clip(session, failing, owner, clip.id)
    session.expire_all()
    assert session.get(Clip, clip.id) is not None
    assert session.scalars(select(AuditEvent)).all() == []
    assert ctx.storage.exists(keys.poster_key(clip.id))

    gone = manage.delete_own_clip(session, ctx.storage, owner, clip.id)
    assert (gone.title, gone.failed_upload) == ("Stubborn", False)
    assert session.get(Clip, clip.id) is None
    assert ctx.storage.keys(keys.clip_prefix(clip.id)) == []


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("transcript_status", TranscriptStatus.PROCESSING, "Its transcript is being made"),
        ("blur_status", BlurStatus.PROCESSING, "Faces are being blurred right now"),
    ],
)
def test_a_clip_a_job_is_writing_waits(ctx, session, demo, column, value, words):
    clip = ready_clip(session, ctx.storage, ECT)
    setattr(clip, column, value)
    session.commit()
    owner = session.get(User, demo[ECT].id)
    assert manage.deletion_summary(session, ctx.storage, owner, clip.id).busy.startswith(words)
    with pytest.raises(InvalidInput, match=words):
        manage.delete_own_clip(session, ctx.storage, owner, clip.id)
    assert session.get(Clip, clip.id) is not None


def test_an_observation_made_from_a_deleted_clip_still_says_so(ctx, session, demo):
    clip = ready_clip(session, ctx.storage, ECT, title="Y8 fractions starter")
    mentor = session.get(User, demo["mentor1@northfield.example"].id)
    owner = session.get(User, demo[ECT].id)
    logged = observations.log_observation(
        session,
        mentor,
        owner.id,
        observations.ObservationInput(
            observations.school_today(session, clip.school_id), clip_id=clip.id
        ),
    )
    manage.delete_own_clip(session, ctx.storage, owner, clip.id)
    session.expire_all()
    kept = session.get(Observation, logged.id)
    assert kept.clip_id is None
    assert (kept.in_person, kept.clip_deleted, kept.clip_title) == (
        False,
        True,
        "Y8 fractions starter",
    )
    coordinator = session.get(User, demo["coordinator@northfield.example"].id)
    pack = evidence.evidence_pack(session, coordinator, owner.id)
    rows = [row for row in evidence.evidence_csv_rows(pack) if row[0] == "observation"]
    assert any("from the clip “Y8 fractions starter” (since deleted)" in row for row in rows)
    assert not any("in person" in row for row in rows)
