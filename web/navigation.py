"""Where a form may send someone back to after it is done."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Browsers drop tabs and newlines from a URL and read a backslash as a slash, so "/\tevil.com"
# or "/\\evil.com" would lead to another site: refuse control characters and backslashes.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(target: str | None, fallback: str) -> str:
    """Return `target` if it is a path on this site, else `fallback`.

    Only same-site paths: never redirect a signed-in teacher to another site.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if _UNSAFE.search(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
