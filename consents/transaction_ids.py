"""Transaction ids of the consents a batch writes: version 4 UUIDs made cheaply, since an
upload makes one per row (bench/RESULTS.md, issue 12)."""

import os
import uuid


class _UUID4(uuid.UUID):
    """A version 4 UUID that keeps its text: a batch writes each id twice as COPY text (consent
    and event), and ``UUID.__init__``'s checks and ``__str__`` cost ~4 µs a row; ~2 µs so.
    Compares, hashes and adapts as a ``uuid.UUID``; pickles and copies as one."""

    __slots__ = ("_text",)

    def __str__(self) -> str:
        return self._text

    def __reduce__(self):
        return (uuid.UUID, (self._text,))


_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant


def new_transaction_ids(count: int):
    """``count`` random (version 4) UUIDs from one read of the system's random source: a read
    per UUID released and re-took the GIL each time, behind the upload's validating thread."""
    data = os.urandom(16 * count)
    new, put, unknown, from_bytes = (
        object.__new__,
        object.__setattr__,
        uuid.SafeUUID.unknown,
        int.from_bytes,
    )
    for i in range(0, 16 * count, 16):
        value = from_bytes(data[i : i + 16]) & _UUID4_CLEAR | _UUID4_SET
        digits = f"{value:032x}"
        made = new(_UUID4)
        put(made, "int", value)
        put(made, "is_safe", unknown)
        put(
            made,
            "_text",
            f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}",
        )
        yield made
