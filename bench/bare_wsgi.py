"""The bare baselines of bench/load.py: plain WSGI apps with nothing of Coachreel in them.

Served by gunicorn exactly as the real app is (same worker class and count), they answer the
same URLs with no Flask, no database, no session and no access check:

- ``GET /clips/<id>``: the bytes of a watch page saved by the benchmark (``BARE_PAGE``);
- ``GET /clips/<id>/video.mp4``: the clip's stored video from ``BARE_MEDIA`` through werkzeug's
  ``send_file`` with conditional Range handling;
- ``POST`` anywhere: the raw request body streamed to a file in ``BARE_SINK`` in 1 MB reads,
  then deleted (the upload route's work without the multipart parser, the database or fsync).

    gunicorn --pythonpath bench 'bare_wsgi:make_app()'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

CHUNK = 1024 * 1024


def make_app() -> Callable[..., Iterable[bytes]]:
    """Build the app from the BARE_* environment variables."""
    media = Path(os.environ["BARE_MEDIA"])
    page = Path(os.environ["BARE_PAGE"]).read_bytes() if os.environ.get("BARE_PAGE") else b""
    sink = os.environ.get("BARE_SINK") or tempfile.gettempdir()

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        parts = request.path.strip("/").split("/")
        if request.method == "POST":
            response = _swallow(environ, sink)
        elif len(parts) == 3 and parts[0] == "clips" and parts[2] == "video.mp4":
            path = media / "clips" / parts[1] / "video.mp4"
            response = send_file(path, environ, mimetype="video/mp4", conditional=True)
        else:
            response = Response(page, mimetype="text/html")
        return response(environ, start_response)

    return app


def _swallow(environ: dict, sink: str) -> Response:
    stream = environ["wsgi.input"]
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    fd, name = tempfile.mkstemp(prefix="bare-upload-", dir=sink)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while remaining > 0:
                chunk = stream.read(min(CHUNK, remaining))
                if not chunk:
                    break
                out.write(chunk)
                remaining -= len(chunk)
                size += len(chunk)
    finally:
        os.unlink(name)
    return Response(f'{{"id": 0, "bytes": {size}}}', status=201, mimetype="application/json")
