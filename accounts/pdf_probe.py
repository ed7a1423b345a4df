"""The signed-form PDF check, run in a child process under hard resource limits.

Started by ``accounts.authorization.check_pdf`` as ``python -I pdf_probe.py MEMORY CPU`` with the
PDF on standard input; it prints one JSON line: ``{"pages": n}`` or ``{"error": reason}``. A PDF
crafted to inflate to hundreds of megabytes (object streams, flate bombs) hits the address-space
or CPU limit here and kills only this process, never a web worker. Imports nothing from Django.
"""

import io
import json
import resource
import sys


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes no files
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # starts no processes


def _pages(data: bytes) -> dict:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return {"error": "encrypted"}
        return {"pages": len(reader.pages)}
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 — pypdf raises many kinds of error on hostile input
        return {"error": "unreadable"}


def main() -> int:
    memory_bytes, cpu_seconds = int(sys.argv[1]), int(sys.argv[2])
    data = sys.stdin.buffer.read()
    _limit(memory_bytes, cpu_seconds)
    try:
        result = _pages(data)
    except MemoryError:
        return 3
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
