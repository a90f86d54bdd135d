"""Stop the processes ``coachreel demo`` runs: ask each to stop, then kill what outlives a grace.

Children are asked with SIGTERM. Whatever is still running when the grace period ends, a child
or a process it started (a web server worker, the worker's scheduler or work horse), is killed
with SIGKILL, and the console says which one, so that a stop always ends and frees the port.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable

import psutil

STOP_GRACE_SECONDS = 10.0


def _family(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def stop_children(
    children: dict[str, subprocess.Popen],
    *,
    grace: float = STOP_GRACE_SECONDS,
    echo: Callable[[str], object] = print,
) -> None:
    """Stop the named children and what they started, killing any left after `grace` seconds."""
    # Note what each child started now: once a parent dies, its children are no longer its own.
    started = {name: _family(child.pid) for name, child in children.items()}
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children.values():
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for name, child in children.items():
        started[name] += _family(child.pid) if child.poll() is None else []
    while time.monotonic() < deadline and any(map(_running, sum(started.values(), []))):
        time.sleep(0.05)

    for name, child in children.items():
        if child.poll() is None:
            echo(f"The {name} (pid {child.pid}) did not stop within {grace:g} seconds; killing it.")
            child.kill()
        for process in {p.pid: p for p in started[name]}.values():
            if _running(process):
                echo(
                    f"A process the {name} started (pid {process.pid}) did not stop within "
                    f"{grace:g} seconds; killing it."
                )
                try:
                    process.kill()
                except psutil.Error:
                    pass  # it ended just now
        child.wait()
