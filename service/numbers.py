"""Whole numbers that people send, read strictly: ids in URLs and forms, sizes in headers.

Only the ASCII digits 0-9 count: ``str.isdigit`` also says yes to "²" (which ``int`` then
refuses with a crash) and to "１" (which ``int`` reads as 1). And never more than the column
holds, so a made-up id is simply not found instead of a query the database refuses.
"""

from __future__ import annotations

# Ids are INTEGER columns: 32 bits on PostgreSQL, where SQLAlchemy's psycopg dialect binds them
# as ::INTEGER and a larger number fails the whole query (SQLite's driver fails past 64 bits).
# No row can have a larger id, so a larger number names nothing.
MAX_ID = 2**31 - 1
# Byte counts (an upload's length and offset) are BIGINT columns: 64 bits, signed.
MAX_BIGINT = 2**63 - 1

_DIGITS = frozenset("0123456789")


def parse_integer(text: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """Return the integer that ``text`` spells in ASCII digits, or None when it spells none.

    A leading minus sign is read only when ``minimum`` is below zero; a number outside
    ``minimum``..``maximum`` reads as None.
    """
    if not isinstance(text, str):
        return None
    digits = text[1:] if minimum < 0 and text.startswith("-") else text
    if not digits or not _DIGITS.issuperset(digits):
        return None
    # Compare lengths before calling int(): a number thousands of digits long is refused
    # cheaply here (int() itself raises past 4,300 digits).
    if len(digits.lstrip("0")) > len(str(max(-minimum, maximum))):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None
