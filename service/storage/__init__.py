"""Where media bytes live: the Storage interface, a local-folder backend and an S3 backend,
and make_storage to choose one from settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config import Settings

from service.storage.base import Storage
from service.storage.local import LocalStorage


def make_storage(settings: Settings) -> Storage:
    """Build the configured storage backend: S3 when STORAGE_URL is set, else the media folder."""
    if settings.storage_url:
        from service.storage.s3 import S3Storage

        return S3Storage.from_url(settings.storage_url, public_endpoint=settings.storage_public_url)
    return LocalStorage(settings.media_dir)
