"""Where a form may send someone back to after it is done."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """Return `target` if it is a path on this site, else `fallback`.

    Only same-site paths: never redirect a signed-in teacher to another site.
    """
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return fallback
