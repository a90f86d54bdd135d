"""A free port on 127.0.0.1 for the tests that start a real server of their own."""

from __future__ import annotations

import socket


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing is listening on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
