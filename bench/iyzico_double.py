"""The payment tests' local iyzico double (tests/payments/iyzico_double.py), over HTTPS, for the
benchmark: the card installment lookup is measured with production settings
(PAYMENT_GATEWAY=iyzico) and the unmodified SDK talking TLS to 127.0.0.1, never to iyzico.

    with IyzicoDoubleProcess(directory) as double:
        env.update(double.env())          # IYZICO_* and SSL_CERT_FILE for the portal
        ...
        double.cpu_seconds()              # the double's own CPU (user + system) so far

The double runs in its own process (``python bench/iyzico_double.py --port P --cert C --key K``)
so that its CPU is measured apart from the portal's.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


class IyzicoDoubleProcess:
    def __init__(self, directory: str | Path, port: int = 0):
        self.directory = Path(directory)
        self.port = port
        self.process: subprocess.Popen | None = None
        self.cert = self.key = ""

    def __enter__(self) -> "IyzicoDoubleProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "IyzicoDoubleProcess":
        sys.path.insert(0, str(ROOT))
        from tests.payments.iyzico_double import self_signed_certificate

        self.directory.mkdir(parents=True, exist_ok=True)
        self.cert, self.key = self_signed_certificate(str(self.directory))
        port_file = self.directory / "port"
        port_file.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [PYTHON, str(Path(__file__).resolve()), "--port", str(self.port)]
            + ["--cert", self.cert, "--key", self.key, "--port-file", str(port_file)],
            cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the iyzico double did not start")
            time.sleep(0.1)
        self.port = int(port_file.read_text())
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def env(self) -> dict:
        """What the portal needs to use the double: a bare host (the SDK then speaks HTTPS and
        verifies the certificate, which SSL_CERT_FILE makes the only trusted one)."""
        from tests.payments.iyzico_double import API_KEY, SECRET_KEY

        return {
            "PAYMENT_GATEWAY": "iyzico",
            "IYZICO_API_KEY": API_KEY,
            "IYZICO_SECRET_KEY": SECRET_KEY,
            "IYZICO_BASE_URL": f"127.0.0.1:{self.port}",
            "IYZICO_TIMEOUT_SECONDS": "5",
            "SSL_CERT_FILE": self.cert,
        }

    def cpu_seconds(self) -> float:
        """User + system CPU of the double's process so far (/proc, Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iys_portal.settings")
    import django

    django.setup()
    from tests.payments.iyzico_double import IyzicoDouble, server_tls_context

    double = IyzicoDouble(tls=server_tls_context(args.cert, args.key))
    double.start()
    # The tests keep every request for their assertions; a benchmark would only grow memory.
    double.requests = _Discard()
    Path(args.port_file).write_text(str(double.server.server_address[1]))
    double.thread.join()


class _Discard(list):
    def append(self, item) -> None:
        pass


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve()
