"""Domain errors, and the words they use; the web layer maps each error to one HTTP status in
one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base for errors a person can be shown."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing does not exist, or the user may not know that it does."""

    status_code = 404

    def __init__(self, message: str = "We could not find that page."):
        super().__init__(message)


class Forbidden(DomainError):
    """The user may see the thing but not do this to it."""

    status_code = 403


class InvalidInput(DomainError):
    """The request is well-formed but its content is not acceptable."""

    status_code = 400


class Unavailable(DomainError):
    """Something the request needs (storage, a queue) failed for now; trying again may work."""

    status_code = 503


class TooLarge(DomainError):
    """An upload over the configured size limit."""

    status_code = 413

    @classmethod
    def for_limit(cls, limit_bytes: int) -> TooLarge:
        """The error for a file over the upload limit of ``limit_bytes``."""
        return cls(
            f"This file is larger than the {size_text(limit_bytes)} upload limit. "
            "Please trim the video or record at a lower resolution."
        )


def size_text(size: int) -> str:
    """Write a byte count the way people read it (25 GB, 350 MB, 1.5 GB)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            text = f"{value:.0f}" if unit == "bytes" or value >= 100 else f"{value:.1f}"
            return f"{text.removesuffix('.0')} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
