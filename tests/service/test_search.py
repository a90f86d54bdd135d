"""Transcript search on this backend's full-text engine (FTS5 or PostgreSQL), through policy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.clips import transcripts
from service.clips.transcripts import SegmentData
from service.errors import InvalidInput
from service.models import Clip, TranscriptSegment
from tests.factories import ready_clip, user


def _ready_with_transcript(ctx, session, email: str, title: str, lines: list[str]) -> int:
    segments = [SegmentData(i * 5.0, i * 5.0 + 4.0, line) for i, line in enumerate(lines)]
    clip = ready_clip(session, ctx.storage, email, title=title, duration=60.0, transcript=segments)
    return clip.id


@pytest.fixture
def corpus(ctx, session, demo):
    own = _ready_with_transcript(
        ctx,
        session,
        "ect1@northfield.example",
        "Group work",
        [
            "Good morning everyone, books away please.",
            "Now for the group task, each table takes one question.",
            "Hands up if you finished the group task.",
        ],
    )
    other = _ready_with_transcript(
        ctx,
        session,
        "ect1@riverside.example",
        "Riverside lesson",
        [
            "The group task today is about volcanoes.",
        ],
    )
    return own, other


def test_finds_words_ranked_and_highlighted(session, corpus):
    own, _ = corpus
    hits = transcripts.search(session, user(session, "ect1@northfield.example"), "group task")
    assert [h.clip_id for h in hits] == [own, own]
    assert {h.start for h in hits} == {5.0, 10.0}
    assert all("<mark>group</mark>" in h.snippet.lower() for h in hits)
    assert hits[0].clip_title == "Group work" and hits[0].ect_name == "Sam Taylor"


def test_stemming_and_phrases(session, corpus):
    me = user(session, "ect1@northfield.example")
    assert [h.start for h in transcripts.search(session, me, "finishing")] == [10.0]
    assert [h.start for h in transcripts.search(session, me, '"books away"')] == [0.0]
    assert transcripts.search(session, me, '"away books"') == []


@pytest.mark.parametrize(
    "email, sees_own, sees_other",
    [
        ("ect1@northfield.example", True, False),
        ("ect2@northfield.example", False, False),
        ("mentor1@northfield.example", True, False),
        ("mentor2@northfield.example", False, False),
        ("coordinator@northfield.example", True, False),
        ("coordinator@riverside.example", False, True),
        ("induction-lead@northfield-trust.example", True, True),
        ("reviewer@northfield.example", True, False),  # reviews mentor1
        ("reviewer@riverside.example", False, True),
        ("admin@coachreel.example", True, True),
    ],
)
def test_never_finds_what_the_user_may_not_watch(session, corpus, email, sees_own, sees_other):
    own, other = corpus
    found = {h.clip_id for h in transcripts.search(session, user(session, email), "group task")}
    assert (own in found) == sees_own
    assert (other in found) == sees_other


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "task*", "NEAR(", "-group", "'; drop", "  "])
def test_odd_queries_never_crash(session, corpus, query):
    me = user(session, "ect1@northfield.example")
    assert isinstance(transcripts.search(session, me, query), list)


def test_overlong_query_is_refused(session, corpus):
    with pytest.raises(InvalidInput):
        transcripts.search(session, user(session, "admin@coachreel.example"), "x" * 300)


def test_saving_again_replaces_the_transcript_and_its_index(ctx, session, corpus):
    own, _ = corpus
    transcripts.save_transcript(
        session, own, [SegmentData(0, 2, "Completely new words.")], language="en", captions=None
    )
    admin = user(session, "admin@coachreel.example")
    assert {h.clip_id for h in transcripts.search(session, admin, "group task")} == {corpus[1]}
    assert [h.clip_id for h in transcripts.search(session, admin, "completely")] == [own]
    assert (
        session.scalar(select(TranscriptSegment.text).where(TranscriptSegment.clip_id == own))
        == "Completely new words."
    )


def test_deleting_a_clip_removes_it_from_search(ctx, session, corpus):
    own, _ = corpus
    session.delete(session.get(Clip, own))
    session.commit()
    admin = user(session, "admin@coachreel.example")
    assert {h.clip_id for h in transcripts.search(session, admin, "group")} == {corpus[1]}
