from pathlib import Path

import pytest

from config import ConfigError, load_settings


def test_embedded_defaults_live_in_the_instance_folder(tmp_path: Path):
    settings = load_settings({"COACHREEL_INSTANCE": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'coachreel.db'}"
    assert settings.embedded_redis and settings.redis_socket == tmp_path / "redis.sock"
    assert settings.media_dir == tmp_path / "media"
    assert settings.max_upload_bytes == 2 * 1024**3
    # The development secret is random but stable across restarts.
    assert settings.secret_key == load_settings({"COACHREEL_INSTANCE": str(tmp_path)}).secret_key
    assert len(settings.secret_key) == 64


def test_services_from_the_environment(tmp_path: Path):
    settings = load_settings(
        {
            "COACHREEL_INSTANCE": str(tmp_path),
            "DATABASE_URL": "postgres://u@db:5432/coachreel",
            "REDIS_URL": "redis://cache:6379/2",
            "MAX_UPLOAD_SIZE": "500M",
            "MAX_CLIP_MINUTES": "15",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@db:5432/coachreel"
    assert settings.redis_url == "redis://cache:6379/2" and not settings.embedded_redis
    assert settings.max_upload_bytes == 500 * 1024**2
    assert settings.max_clip_seconds == 900


@pytest.mark.parametrize(
    "env, message",
    [
        ({"COACHREEL_ENV": "production"}, "SECRET_KEY must be set"),
        ({"COACHREEL_ENV": "production", "SECRET_KEY": "short"}, "long random value"),
        (
            {"COACHREEL_ENV": "production", "SECRET_KEY": "change-me-to-a-long-random-value"},
            "not an example value",
        ),
        ({"STORAGE_PUBLIC_URL": "media.school.example"}, "STORAGE_PUBLIC_URL must start with"),
        ({"COACHREEL_ENV": "staging"}, "COACHREEL_ENV must be one of"),
        ({"MAX_UPLOAD_SIZE": "lots"}, "MAX_UPLOAD_SIZE must be a size"),
        ({"MAX_UPLOAD_SIZE": "0"}, "larger than zero"),
        ({"MAX_CLIP_MINUTES": "ten"}, "whole number"),
        ({"TRANSCODE_MAX_HEIGHT": "100"}, "at least 144"),
        ({"BLUR_DETECT_EVERY": "0"}, "at least 1"),
        ({"BLUR_DETECT_EVERY": "26"}, "at most 25"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must start with"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with"),
        ({"FFMPEG_BINARY": "/no/such/ffmpeg"}, "not an executable"),
        ({"STORAGE_URL": "/srv/media"}, "STORAGE_URL must look like s3://bucket"),
        ({"STORAGE_URL": "s3://Bad_Bucket"}, "STORAGE_URL must look like s3://bucket"),
        ({"PRESIGN_SECONDS": "7200"}, "PRESIGN_SECONDS must be at most 3600"),
        ({"USER_QUOTA": "plenty"}, "USER_QUOTA must be a size"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be one of"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(tmp_path: Path, env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({"COACHREEL_INSTANCE": str(tmp_path), **env})


def test_parse_bool_is_strict():
    from config.settings import parse_bool

    assert parse_bool("X", "Yes") is True and parse_bool("X", "off") is False
    with pytest.raises(ConfigError):
        parse_bool("X", "maybe")


def test_production_runtime_settings(tmp_path: Path):
    settings = load_settings(
        {
            "COACHREEL_INSTANCE": str(tmp_path),
            "COACHREEL_ENV": "production",
            "SECRET_KEY": "x" * 32,
            "STORAGE_URL": "s3://coachreel-media/trust-a/",
            "PRESIGN_SECONDS": "600",
            "USER_QUOTA": "10G",
            "PROXY_HOPS": "1",
            "STORAGE_PUBLIC_URL": "https://media.school.example/",
        }
    )
    assert settings.storage_public_url == "https://media.school.example"
    assert settings.storage_url == "s3://coachreel-media/trust-a"
    assert settings.presign_seconds == 600 and settings.user_quota_bytes == 10 * 1024**3
    assert settings.log_format == "json" and settings.proxy_hops == 1
    assert settings.uploads_path == tmp_path.resolve() / "uploads"
    defaults = load_settings({"COACHREEL_INSTANCE": str(tmp_path)})
    assert defaults.storage_url is None and defaults.log_format == "text"
    assert defaults.upload_expiry_hours == 24
