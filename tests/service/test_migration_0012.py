"""Migration 0012 on data from before it: silent clips lose their made-up zeros, and an ECT left
with two active steps keeps the newest active."""

from __future__ import annotations

from sqlalchemy import inspect, text

from service.migrate import upgrade
from tests.service.test_migrations import downgrade, empty_database  # noqa: F401 (a fixture)

ROWS = [
    "INSERT INTO schools (id, name, timezone, blur_by_default, original_retention_days, "
    "clip_retention_days, teacher_microphone) "
    "VALUES (1, 'Northfield', 'Europe/London', false, 30, 90, 'none')",
    "INSERT INTO users (id, email, name, password_hash, active, created_at, session_token) "
    "VALUES (1, 'm@x', 'Mentor', '!', true, '2026-09-01 08:00:00', ''), "
    "(2, 'e@x', 'ECT', '!', true, '2026-09-01 08:00:00', ''), "
    "(3, 'f@x', 'Other ECT', '!', true, '2026-09-01 08:00:00', '')",
    # ECT 2: three steps set one after another, all left active; ECT 3: one active step.
    "INSERT INTO action_steps (id, ect_id, mentor_id, school_id, title, why, criteria, strand, "
    "standard, review_on, status, created_at, updated_at) VALUES "
    "(10, 2, 1, 1, 'First', '', '[]', 'behaviour', 7, '2026-09-14', 'active', "
    "'2026-09-07 15:00:00', '2026-09-07 15:00:00'), "
    "(11, 2, 1, 1, 'Second', '', '[]', 'behaviour', 7, '2026-09-21', 'active', "
    "'2026-09-14 15:00:00', '2026-09-14 15:00:00'), "
    "(12, 2, 1, 1, 'Third', '', '[]', 'behaviour', 7, '2026-09-28', 'active', "
    "'2026-09-21 15:00:00', '2026-09-21 15:00:00'), "
    "(13, 3, 1, 1, 'Only', '', '[]', 'behaviour', 7, '2026-09-28', 'active', "
    "'2026-09-21 15:00:00', '2026-09-21 15:00:00')",
    "INSERT INTO clips (id, owner_id, school_id, kind, title, recorded_on, status, original_key, "
    "original_filename, original_size, attempts, created_at, updated_at) VALUES "
    "(20, 2, 1, 'lesson', 'Spoken', '2026-09-08', 'ready', 'a', 'a.mp4', 1, 0, "
    "'2026-09-08 10:00:00', '2026-09-08 10:00:00'), "
    "(21, 2, 1, 'lesson', 'Silent', '2026-09-09', 'ready', 'b', 'b.mp4', 1, 0, "
    "'2026-09-09 10:00:00', '2026-09-09 10:00:00')",
    "INSERT INTO clip_talk (clip_id, computed_at, duration, speech_share, longest_stretch, "
    "questions, median_wait, words_per_minute, teacher_share, detail) VALUES "
    "(20, '2026-09-08 10:05:00', 600, 0.4, 35, 6, 1.5, 140, NULL, '{}'), "
    "(21, '2026-09-09 10:05:00', 600, 0, 0, 0, NULL, 0, NULL, '{}')",
]


def test_0012_leaves_silent_clips_without_figures_and_one_step_active(empty_database):  # noqa: F811
    upgrade(empty_database, "0011")
    with empty_database.begin() as conn:
        for row in ROWS:
            conn.execute(text(row))
    upgrade(empty_database, "0012")
    with empty_database.connect() as conn:
        talk = conn.execute(
            text("SELECT clip_id, speech_share, questions, words_per_minute FROM clip_talk")
        ).all()
        steps = conn.execute(
            text("SELECT id, status, closed_at FROM action_steps ORDER BY id")
        ).all()
    assert sorted(map(tuple, talk)) == [(20, 0.4, 6, 140), (21, None, None, None)]
    assert [(s.id, s.status) for s in steps] == [
        (10, "moved_on"),
        (11, "moved_on"),
        (12, "active"),
        (13, "active"),
    ]
    # Each older step was closed when the one after it was set.
    assert [str(s.closed_at)[:16] for s in steps[:2]] == ["2026-09-14 15:00", "2026-09-21 15:00"]
    assert steps[2].closed_at is None
    nullable = {c["name"]: c["nullable"] for c in inspect(empty_database).get_columns("clip_talk")}
    assert nullable["speech_share"] and nullable["words_per_minute"]

    downgrade(empty_database, "0011")
    with empty_database.connect() as conn:
        silent = conn.execute(
            text("SELECT speech_share, words_per_minute FROM clip_talk WHERE clip_id = 21")
        ).one()
    assert tuple(silent) == (0, 0)
    nullable = {c["name"]: c["nullable"] for c in inspect(empty_database).get_columns("clip_talk")}
    assert not nullable["speech_share"]
    upgrade(empty_database, "0012")
