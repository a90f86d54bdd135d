"""Security headers on every response: what a page may load and run, who may frame it, what
it tells other sites, who may cache it, and HTTPS only in production.

The session cookie's flags (HttpOnly, SameSite=Lax, Secure in production) are set with the
app's config in ``web.create_app``.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, Response, request

from config import Settings
from service.storage.base import Storage
from web.resources import storage

log = logging.getLogger(__name__)

# Files that may be cached: ours and the queue dashboard's. Everything else may hold personal
# data (pages, JSON, CSV exports, transcripts), so no browser or proxy keeps it.
STATIC_ENDPOINTS = frozenset({"static", "rq_dashboard.static", "rq_dashboard.favicon"})
# Only where a browser already reached the site over HTTPS; no includeSubDomains, since a
# school's other hosts under the same domain may not all serve HTTPS.
HSTS = "max-age=31536000"


def content_security_policy(media_origins: tuple[str, ...] = ()) -> str:
    """Return the policy for our pages: scripts and styles from this site only, nothing inline.

    ``media_origins`` are where storage sends the browser for videos and posters (presigned
    URLs); ``blob:`` lets the upload form read a chosen file's length before sending it.
    """
    media = " ".join(("'self'", *media_origins))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {media}",
            f"media-src {media} blob:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        )
    )


# rq-dashboard (web.admin, admins only) runs an inline script on each page and builds its
# tables with underscore.js templates, which compile with `new Function`; its markup has style
# attributes and its stylesheet data: images. Those pages alone allow inline script and eval:
# they show no user-written content, only queue and job names, and every other rule holds.
DASHBOARD_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)
DASHBOARD_BLUEPRINT = "rq_dashboard"  # mounted by web.admin


def media_origins(store: Storage) -> tuple[str, ...]:
    """Return the origin of the storage's presigned media URLs, if it hands any out."""
    # Sign a URL for a key that need not exist (signing is local), and keep its origin: the
    # endpoint, bucket host and scheme are exactly those of every media URL it signs.
    url = store.url_for("csp-probe", mimetype="video/mp4", expires=60)
    if url is None:
        return ()
    parts = urlsplit(url)
    return (f"{parts.scheme}://{parts.netloc}",)


def init_app(app: Flask, settings: Settings) -> None:
    """Add the security headers to every response the app sends."""
    origins: list[tuple[str, ...]] = []  # worked out on the first request, then kept

    def page_policy() -> str:
        if not origins:
            found: tuple[str, ...] = ()
            if not settings.storage_proxy:
                try:
                    found = media_origins(storage())
                except Exception:  # no credentials to sign with: media will fail to load too
                    log.exception("could not work out the storage's media origin")
            origins.append(found)
        return content_security_policy(origins[0])

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        if request.blueprint == DASHBOARD_BLUEPRINT:
            headers["Content-Security-Policy"] = DASHBOARD_POLICY
        else:
            headers["Content-Security-Policy"] = page_policy()
        headers["X-Frame-Options"] = "DENY"  # frame-ancestors, for browsers without CSP 2
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        if settings.production:
            headers["Strict-Transport-Security"] = HSTS
        if request.endpoint not in STATIC_ENDPOINTS:
            # A view may choose its own rule (media: private, revalidated), but a page or
            # JSON is never stored.
            page = response.mimetype == "text/html" or response.is_json
            if "Cache-Control" not in headers or (page and not response.cache_control.no_store):
                headers["Cache-Control"] = "no-store"
        return response
