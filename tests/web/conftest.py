"""Fixtures for the browser tests of the web pages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import worker_env
from tests.web.browsing import CHROMIUM, require_chromium


class _Response:
    """A response the server has started, closed once whatever happens to the connection."""

    def __init__(self, iterable):
        self.iterable = iterable
        self.closed = False

    def __iter__(self):
        return iter(self.iterable)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if hasattr(self.iterable, "close"):
                self.iterable.close()


class _ClosingEverything:
    """Keep every response until the server stops, then close any still open.

    When the browser resets a connection (a page closed mid-video), werkzeug's development
    server raises while draining the socket and skips the response's close(), so the video
    file would be left for the garbage collector, which warns (and warnings are errors here).
    """

    def __init__(self, app):
        self.app = app
        self.responses: list[_Response] = []

    def __call__(self, environ, start_response):
        response = _Response(self.app(environ, start_response))
        self.responses.append(response)
        return response

    def close_all(self) -> None:
        for response in self.responses:
            response.close()


@pytest.fixture
def live_server(app):
    wsgi = _ClosingEverything(app)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    wsgi.close_all()


@pytest.fixture
def worker(settings):
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "worker"],
        env=worker_env(settings),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class _CspBypassingBrowser:
    """The browser, with every new context ignoring the pages' Content-Security-Policy unless
    told otherwise: Playwright's wait_for_function runs a string predicate with eval, which the
    policy refuses. test_csp_browser.py checks the pages under their real policy."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        options.setdefault("bypass_csp", True)
        return self._browser.new_context(**options)

    def new_page(self, **options):
        options.setdefault("bypass_csp", True)
        return self._browser.new_page(**options)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    require_chromium()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield _CspBypassingBrowser(browser)
        browser.close()
