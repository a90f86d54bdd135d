"""Counting the SQL statements a piece of code sends, for tests that keep query counts flat."""

from __future__ import annotations

from sqlalchemy import event


class QueryCounter:
    """``with QueryCounter(engine) as counter:`` counts the statements sent on ``engine``."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)
