"""The migrations build exactly the schema the models describe, on either database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service.migrate import include_name
from service.models import Base


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
