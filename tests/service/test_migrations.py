"""The migrations build exactly the schema the models describe, on either database."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from service.migrate import alembic_config, include_name, upgrade
from service.models import Base
from tests.conftest import PG_ADMIN_URL


def test_migrated_schema_matches_the_models(backend):
    with backend.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_a_clip_of_two_gigabytes_and_more_fits(session, demo, ctx):
    from tests.factories import upload

    clip = upload(session, ctx.storage, "ect1@northfield.example", b"x" * 16)
    clip.original_size = 2**31 + 7  # past a 32-bit integer: the default upload limit is 2 GiB
    session.commit()
    session.expire_all()
    assert session.get(type(clip), clip.id).original_size == 2**31 + 7


@pytest.fixture
def empty_database(backend, tmp_path):
    """An empty database of the suite's kind, for migrating step by step."""
    if backend.name == "embedded":
        engine = create_engine(f"sqlite:///{tmp_path / 'steps.db'}")
        yield engine
        engine.dispose()
        return
    name = f"coachreel_steps_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = create_engine(backend.engine.url.set(database=name))
    yield engine
    engine.dispose()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def downgrade(engine, revision: str) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def test_0011_adds_blur_review_and_touch_ups_with_everything_off(empty_database):
    upgrade(empty_database, "0010")
    school = (
        "INSERT INTO schools (id, name, timezone, blur_by_default, original_retention_days, "
        "clip_retention_days, teacher_microphone) "
        "VALUES (1, 'Northfield', 'Europe/London', false, 30, 90, 'none')"
    )
    with empty_database.begin() as conn:
        conn.execute(text(school))
    upgrade(empty_database, "0011")
    columns = {c["name"] for c in inspect(empty_database).get_columns("clips")}
    assert {"blur_review_video_key", "blur_review_poster_key", "blur_face_strip"} <= columns
    with empty_database.connect() as conn:
        row = conn.execute(
            text("SELECT blur_outside_teacher, blur_without_review FROM schools")
        ).one()
    assert tuple(row) == (False, False)  # existing schools: review required, faces only
    foreign_keys = inspect(empty_database).get_foreign_keys("blur_regions")
    [foreign_key] = [fk for fk in foreign_keys if fk["referred_table"] == "clips"]
    assert foreign_key["options"].get("ondelete") == "CASCADE"

    downgrade(empty_database, "0010")
    assert "blur_regions" not in inspect(empty_database).get_table_names()
    assert "blur_outside_teacher" not in {
        c["name"] for c in inspect(empty_database).get_columns("schools")
    }
    upgrade(empty_database, "0011")
