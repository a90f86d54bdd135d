"""The Storage interface every backend provides, and the rule for what a key may be."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    pass


CHUNK = 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")


class Storage(Protocol):
    """What every storage backend offers."""

    def put_stream(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> int:
        """Copy a stream to ``key`` in chunks, returning its size; raise TooLarge past max_bytes."""
        ...

    def put_file(self, key: str, path: str | os.PathLike[str]) -> int:
        """Copy a local file to ``key``, returning its size."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open ``key`` for reading, seekable so Range requests can be served."""
        ...

    def download(self, key: str, path: str | os.PathLike[str]) -> None:
        """Copy ``key`` to a local file."""
        ...

    def size(self, key: str) -> int:
        """Return the object's size in bytes."""
        ...

    def exists(self, key: str) -> bool:
        """Say whether ``key`` holds a complete object."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""
        ...

    def delete_many(self, keys: Sequence[str]) -> None:
        """Remove every one of ``keys`` (missing ones are not an error), in as few requests as
        the backend allows; raise if any could not be removed."""
        ...

    def keys(self, prefix: str = "") -> list[str]:
        """List the keys under ``prefix``."""
        ...

    def remove_incomplete(self, older_than: timedelta) -> int:
        """Remove what writes cut off by a crash left (older than ``older_than``); count them."""
        ...

    def url_for(
        self, key: str, *, mimetype: str, expires: int, filename: str | None = None
    ) -> str | None:
        """Return a URL a browser may fetch ``key`` from for ``expires`` seconds, or None.

        None means the backend has no such URL and the app must stream the bytes itself.
        """
        ...


def check_key(key: str) -> str:
    """Refuse keys that could escape the storage root."""
    if not _KEY.match(key) or any(part in (".", "..") for part in key.split("/")):
        raise ValueError(f"invalid storage key {key!r}")
    return key
