"""Timing helpers shared by the benchmarks: wall and CPU time of a run, and run spread."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable


def time_run(run: Callable[[], object]) -> tuple[float, float]:
    """Return the wall time and the CPU time (ours and our children's) of one run."""
    before = cpu_seconds()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started, cpu_seconds() - before


def cpu_seconds() -> float:
    """Return the CPU seconds used so far by this process and its waited-for children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def spread(times: list[float]) -> float:
    """Return (slowest - fastest) / median: how much the runs of one side varied."""
    return (max(times) - min(times)) / statistics.median(times)
