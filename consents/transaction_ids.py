"""Transaction ids of the consents a batch writes: time-ordered (RFC 9562 version 7) UUIDs made
cheaply, since an upload makes one per row (bench/RESULTS.md, issue 12).

Time-ordered, not random (version 4): the event table's unique index on ``transaction_id``
takes every new id; random ids land on random leaf pages of an index far larger than
PostgreSQL's buffers (a page read, and a dirty page written back, for nearly every row: 14.6 µs
of the event COPY's PostgreSQL CPU per row at 20 million events), time-ordered ids on its
right-hand edge (4.7 µs; bench/RESULTS.md, session 4). Unique as before: 50 random bits per id
besides the millisecond and the batch's counter, and the unique index. What an id tells beyond
that (when it was made) is the record's ``creationDate``, which the API returns with it."""

import os
import time
import uuid


class _UUID(uuid.UUID):
    """A UUID that keeps its text: a batch writes each id twice as COPY text (consent and
    event), and ``UUID.__init__``'s checks and ``__str__`` cost ~4 µs a row; ~2 µs so.
    Compares, hashes and adapts as a ``uuid.UUID``; pickles and copies as one."""

    __slots__ = ("_text",)

    def __str__(self) -> str:
        return self._text

    def __reduce__(self):
        return (uuid.UUID, (self._text,))


_VERSION_7 = 0x7 << 76
_VARIANT = 0b10 << 62  # RFC 9562 variant
_COUNTER_LIMIT = 1 << 24


def new_transaction_ids(count: int):
    """``count`` version 7 UUIDs (RFC 9562), increasing: the Unix time in milliseconds (48
    bits), a 24-bit counter over the batch (method 1: the 12 bits of ``rand_a`` and the top 12
    of ``rand_b``), then 50 random bits, from one read of the system's random source (a read per
    UUID released and re-took the GIL each time, behind the upload's validating thread)."""
    if count > _COUNTER_LIMIT:
        raise ValueError("at most 16,777,216 transaction ids at a time")
    data = os.urandom(8 * count)
    head = (time.time_ns() // 1_000_000 & ((1 << 48) - 1)) << 80 | _VERSION_7 | _VARIANT
    new, put, unknown, from_bytes = (
        object.__new__,
        object.__setattr__,
        uuid.SafeUUID.unknown,
        int.from_bytes,
    )
    for i in range(count):
        value = (
            head | (i >> 12) << 64 | (i & 0xFFF) << 50 | from_bytes(data[8 * i : 8 * i + 8]) >> 14
        )
        digits = f"{value:032x}"
        made = new(_UUID)
        put(made, "int", value)
        put(made, "is_safe", unknown)
        put(
            made,
            "_text",
            f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}",
        )
        yield made
