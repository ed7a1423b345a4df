"""A small PDF whose object streams inflate to hundreds of megabytes (built in the tests).

Every object of the document (catalog, page tree, page) lives in its own compressed object
stream (PDF 1.5, cross-reference stream); each stream inflates to ``inflated_mb`` megabytes of
blanks after the object, so counting the pages means inflating all of them. The file stays a
few hundred kilobytes: flate compresses blanks about a thousand to one.
"""

import struct
import zlib
from functools import cache

_CHUNK = b" " * (1024 * 1024)


@cache
def _blanks(inflated_mb: int) -> bytes:
    """Raw deflate blocks (not final, history reset) of ``inflated_mb`` MB of blanks, built once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [compressor.compress(_CHUNK) for _ in range(inflated_mb)]
    parts.append(compressor.flush(zlib.Z_FULL_FLUSH))
    return b"".join(parts)


@cache
def _blanks_adler32(inflated_mb: int, start: int) -> int:
    value = start
    for _ in range(inflated_mb):
        value = zlib.adler32(_CHUNK, value)
    return value


def _blank_stream(prefix: bytes, inflated_mb: int) -> bytes:
    """A zlib stream of ``prefix`` and then the shared blanks (only the prefix is compressed)."""
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    checksum = _blanks_adler32(inflated_mb, zlib.adler32(prefix))
    return b"\x78\xda" + body + _blanks(inflated_mb) + final + struct.pack(">I", checksum)


def pdf_bomb(*, inflated_mb: int = 70) -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    stream_of = {}
    for number, body in objects.items():
        stream_number = 10 + number
        header = f"{number} 0 ".encode()
        first = len(header)
        data = _blank_stream(header + body, inflated_mb)
        offsets[stream_number] = len(out)
        stream_of[number] = stream_number
        out += (
            f"{stream_number} 0 obj\n<< /Type /ObjStm /N 1 /First {first} /Filter /FlateDecode "
            f"/Length {len(data)} >>\nstream\n"
        ).encode()
        out += data + b"\nendstream\nendobj\n"
    xref_number = 20
    size = xref_number + 1
    rows = []
    for n in range(size):
        if n in stream_of:
            rows.append(struct.pack(">BIH", 2, stream_of[n], 0))
        elif n in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[n], 0))
        elif n == xref_number:
            rows.append(struct.pack(">BIH", 1, len(out), 0))
        else:
            rows.append(struct.pack(">BIH", 0, 0, 65535 if n == 0 else 0))
    xref = b"".join(rows)
    xref_offset = len(out)
    out += (
        f"{xref_number} 0 obj\n<< /Type /XRef /Size {size} /W [1 4 2] /Root 1 0 R "
        f"/Length {len(xref)} >>\nstream\n"
    ).encode()
    out += xref + b"\nendstream\nendobj\n"
    out += f"startxref\n{xref_offset}\n%%EOF\n".encode()
    return bytes(out)
