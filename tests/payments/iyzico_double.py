"""A local stand-in for iyzico's API, started by the tests (nothing ever calls iyzico).

It speaks plain HTTP on 127.0.0.1, or HTTPS when started with ``tls`` (an ``ssl.SSLContext``
holding a certificate for 127.0.0.1, see ``self_signed_certificate``), and behaves like the
sandbox for the cards in docs/domain.md:
- every request must carry a valid ``IYZWSv2`` Authorization header (HMAC-SHA256 over
  random key + path + body with the merchant's secret key), as the SDK computes it;
- responses are signed like iyzico's (hex HMAC-SHA256 of ``":".join(fields)``);
- the 3-D Secure HTML sends the browser to a bank page served by the double (``/acs/<id>``)
  that posts the bank's fields (status, paymentId, conversationId, conversationData, mdStatus,
  signature) to the merchant's ``callbackUrl``.

Knobs for failure tests: ``tamper`` (a dict merged into the next response after signing, e.g.
``{"signature": "…"}``), ``fail_next`` (an error code for the next call), ``raw_next`` (HTTP
status and body bytes for the next call), ``hang`` (the next call never answers until the
double stops), ``hang_on`` (paths whose every call never answers), ``fail_on`` (path → an
error code or (status, body) for the next call to that path). A correctly signed but different
amount: change ``payments[id].paid_price``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from payments.gateways import sandbox

API_KEY = "double-api-key"
SECRET_KEY = "double-secret-key"


def sign(fields: list) -> str:
    def text(value):
        value = "" if value is None else str(value)
        return value[:-2] if value.endswith(".0") else value

    message = ":".join(text(f) for f in fields).encode()
    return hmac.new(SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def number(text: str):
    """A price as iyzico's JSON carries it: a number, ``1200.0`` rather than ``"1200.00"``."""
    return float(Decimal(text))


def self_signed_certificate(directory) -> tuple[str, str]:
    """A certificate (and its key) for 127.0.0.1, made with ``openssl``; (cert path, key path).
    The certificate is its own issuer, so it is also the CA file a client trusts."""
    cert, key = f"{directory}/double-cert.pem", f"{directory}/double-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-addext", "basicConstraints=critical,CA:TRUE",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def server_tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # parallel-call tests open many connections at once
    tls: ssl.SSLContext | None = None

    def finish_request(self, request, client_address):
        """TLS is set up in the connection's own thread: a client that stalls in the handshake
        holds up only itself, never the accept loop."""
        if self.tls is not None:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


@dataclass
class DoublePayment:
    payment_id: str
    conversation_id: str
    basket_id: str
    price: str
    paid_price: str
    currency: str
    installment: int
    callback_url: str
    bin_number: str
    last_four: str
    card_family: str
    outcome: sandbox.Outcome
    conversation_data: str
    status: str = "INIT_THREEDS"
    md_status: str = ""


@dataclass
class IyzicoDouble:
    server: ThreadingHTTPServer = None
    thread: threading.Thread = None
    payments: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    tamper: dict = field(default_factory=dict)
    fail_next: str = ""
    hang: bool = False
    hang_on: set = field(default_factory=set)
    raw_next: tuple | None = None
    fail_on: dict = field(default_factory=dict)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 22480000
    tls: ssl.SSLContext | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    def start(self) -> IyzicoDouble:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):  # noqa: N802
                double.handle_bank_page(self)

            def do_POST(self):  # noqa: N802
                double.handle_api(self)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.tls = self.tls
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def calls(self, path: str) -> list[dict]:
        return [body for p, body in self.requests if p == path]

    # -- the API -----------------------------------------------------------------------

    def handle_api(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode("utf-8")
        path = urlparse(handler.path).path
        if not self._authorized(handler, path, raw):
            return self._reply(
                handler, {"status": "failure", "errorCode": "1000", "errorMessage": "Geçersiz imza"}
            )
        body = json.loads(raw) if raw else {}
        with self.lock:
            self.requests.append((path, body))
            hang, self.hang = self.hang or path in self.hang_on, False
            fail, self.fail_next = self.fail_next, ""
            raw_next, self.raw_next = self.raw_next, None
            on_path = self.fail_on.pop(path, None)
        if isinstance(on_path, tuple):
            raw_next = on_path
        elif on_path:
            fail = on_path
        if raw_next:
            status, data = raw_next
            handler.send_response(status)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
            return None
        if hang:
            self.released.wait(30)
            return None
        if fail:
            return self._reply(
                handler, {"status": "failure", "errorCode": fail, "errorMessage": "hata"}
            )
        routes = {
            "/payment/iyzipos/installment": self.installment,
            "/payment/3dsecure/initialize": self.threeds_initialize,
            "/payment/3dsecure/auth": self.threeds_auth,
            "/payment/detail": self.detail,
            "/payment/cancel": self.cancel,
            "/v2/payment/refund": self.refund,
        }
        route = routes.get(path)
        if route is None:
            return self._reply(handler, {"status": "failure", "errorCode": "404"}, status=404)
        return self._reply(handler, route(body))

    @staticmethod
    def _authorized(handler, path: str, raw: str) -> bool:
        header = handler.headers.get("Authorization", "")
        if not header.startswith("IYZWSv2 "):
            return False
        try:
            decoded = base64.b64decode(header.removeprefix("IYZWSv2 ")).decode()
            parts = dict(part.split(":", 1) for part in decoded.split("&"))
        except (ValueError, UnicodeDecodeError):
            return False
        if parts.get("apiKey") != API_KEY or parts.get("randomKey") != handler.headers.get(
            "x-iyzi-rnd"
        ):
            return False
        expected = hmac.new(
            SECRET_KEY.encode(), (parts["randomKey"] + path + raw).encode(), hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, parts.get("signature", ""))

    def _reply(self, handler, payload: dict, status: int = 200) -> None:
        with self.lock:
            tamper, self.tamper = self.tamper, {}
        payload = {**payload, **tamper}
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def installment(self, body: dict) -> dict:
        price = Decimal(body["price"])
        if body.get("binNumber"):
            family = sandbox.installments_for_bin(body["binNumber"], price)
            families = [family] if family else []
        else:
            families = sandbox.installment_table(price)
        return {
            "status": "success",
            "locale": "tr",
            "systemTime": int(time.time() * 1000),
            "conversationId": body.get("conversationId", ""),
            "installmentDetails": [
                {
                    "binNumber": f.bin_number,
                    "price": number(body["price"]),
                    "cardType": f.card_type,
                    "cardAssociation": f.card_association,
                    "cardFamilyName": f.card_family,
                    "bankName": f.bank_name,
                    "installmentPrices": [
                        {
                            "installmentNumber": o.count,
                            "installmentPrice": number(str(o.installment_price)),
                            "totalPrice": number(str(o.total_price)),
                        }
                        for o in f.options
                    ],
                }
                for f in families
            ],
        }

    def threeds_initialize(self, body: dict) -> dict:
        basket_total = sum(Decimal(item["price"]) for item in body["basketItems"])
        if basket_total != Decimal(body["price"]):
            return {"status": "failure", "errorCode": "5", "errorMessage": "price eşit değil"}
        card = body["paymentCard"]
        family = sandbox.installments_for_bin(card["cardNumber"], Decimal(body["price"]))
        option = family.option(int(body["installment"])) if family else None
        if int(body["installment"]) != 1 and option is None:
            return {"status": "failure", "errorCode": "5087", "errorMessage": "taksit geçersiz"}
        expected_paid = option.total_price if option else Decimal(body["price"])
        if Decimal(body["paidPrice"]) != expected_paid:
            return {"status": "failure", "errorCode": "5088", "errorMessage": "paidPrice hatalı"}
        with self.lock:
            self.next_id += 1
            payment_id = str(self.next_id)
        self.payments[payment_id] = DoublePayment(
            payment_id=payment_id,
            conversation_id=body["conversationId"],
            basket_id=body["basketId"],
            price=body["price"],
            paid_price=body["paidPrice"],
            currency=body["currency"],
            installment=int(body["installment"]),
            callback_url=body["callbackUrl"],
            bin_number=card["cardNumber"][:6],
            last_four=card["cardNumber"][-4:],
            card_family=family.card_family if family else "",
            outcome=sandbox.outcome_for(card["cardNumber"]),
            conversation_data=f"cd-{payment_id}",
        )
        page = (
            "<!doctype html><html><body>"
            f"<form id='iyzico-3ds-form' method='get' action='{self.base_url}/acs/{payment_id}'>"
            "<noscript><button>Devam</button></noscript></form>"
            # As iyzico does: an inline script submits the form to the bank.
            "<script type='text/javascript'>"
            "document.getElementById('iyzico-3ds-form').submit();</script></body></html>"
        )
        return {
            "status": "success",
            "locale": "tr",
            "conversationId": body["conversationId"],
            "paymentId": payment_id,
            "threeDSHtmlContent": base64.b64encode(page.encode()).decode(),
            "signature": sign([payment_id, body["conversationId"]]),
        }

    def payment_body(self, payment: DoublePayment) -> dict:
        fields = {
            "paymentId": payment.payment_id,
            "currency": payment.currency,
            "basketId": payment.basket_id,
            "conversationId": payment.conversation_id,
            "paidPrice": number(payment.paid_price),
            "price": number(payment.price),
        }
        return {
            "status": "success",
            "locale": "tr",
            **fields,
            "installment": payment.installment,
            "paymentStatus": payment.status,
            "fraudStatus": 1,
            "binNumber": payment.bin_number,
            "lastFourDigits": payment.last_four,
            "cardAssociation": "MASTER_CARD",
            "cardFamily": payment.card_family,
            "mdStatus": 1,
            "signature": sign(list(fields.values())),
        }

    def threeds_auth(self, body: dict) -> dict:
        payment = self.payments.get(str(body.get("paymentId")))
        if payment is None or body.get("conversationData") != payment.conversation_data:
            return {"status": "failure", "errorCode": "5110", "errorMessage": "ödeme bulunamadı"}
        if payment.status == "SUCCESS":
            return {"status": "failure", "errorCode": "10201", "errorMessage": "zaten ödendi"}
        if payment.md_status != "1":
            return {"status": "failure", "errorCode": "10211", "errorMessage": "3DS başarısız"}
        if payment.outcome.error_code:
            payment.status = "FAILURE"
            return {
                "status": "failure",
                "errorCode": payment.outcome.error_code,
                "errorMessage": payment.outcome.error_message,
                "paymentId": payment.payment_id,
            }
        payment.status = "SUCCESS"
        return self.payment_body(payment)

    def detail(self, body: dict) -> dict:
        payment = self.payments.get(str(body.get("paymentId")))
        if payment is None:
            return {"status": "failure", "errorCode": "5110", "errorMessage": "ödeme bulunamadı"}
        return self.payment_body(payment)

    def _reversal(self, body: dict, price: str) -> dict:
        payment = self.payments.get(str(body.get("paymentId")))
        if payment is None or payment.status != "SUCCESS":
            return {"status": "failure", "errorCode": "5110", "errorMessage": "iade edilemez"}
        payment.status = "REFUNDED"
        fields = [payment.payment_id, number(price), payment.currency, body["conversationId"]]
        return {
            "status": "success",
            "paymentId": payment.payment_id,
            "price": number(price),
            "currency": payment.currency,
            "conversationId": body["conversationId"],
            "signature": sign(fields),
        }

    def cancel(self, body: dict) -> dict:
        payment = self.payments.get(str(body.get("paymentId")))
        return self._reversal(body, payment.paid_price if payment else "0")

    def refund(self, body: dict) -> dict:
        return self._reversal(body, body["price"])

    # -- the bank ----------------------------------------------------------------------

    def bank_fields(self, payment_id: str, *, md_status: str | None = None) -> dict:
        """The fields the bank's page posts to the merchant's callbackUrl (signed)."""
        payment = self.payments[payment_id]
        md = payment.outcome.md_status if md_status is None else md_status
        payment.md_status = md
        if payment.status == "INIT_THREEDS":
            payment.status = "CALLBACK_THREEDS" if md == "1" else "FAILURE"
        fields = {
            "status": "success" if md == "1" else "failure",
            "paymentId": payment.payment_id,
            "conversationData": payment.conversation_data,
            "conversationId": payment.conversation_id,
            "mdStatus": md,
        }
        fields["signature"] = sign(
            [
                fields["conversationData"],
                fields["conversationId"],
                fields["mdStatus"],
                fields["paymentId"],
                fields["status"],
            ]
        )
        return fields

    def handle_bank_page(self, handler: BaseHTTPRequestHandler) -> None:
        payment_id = urlparse(handler.path).path.rsplit("/", 1)[-1]
        if payment_id not in self.payments:
            handler.send_response(404)
            handler.end_headers()
            return
        payment = self.payments[payment_id]
        fields = self.bank_fields(payment_id)
        inputs = "".join(
            f"<input type='hidden' name='{k}' value='{html.escape(v)}'>" for k, v in fields.items()
        )
        page = (
            "<!doctype html><html lang='tr'><head><meta charset='utf-8'>"
            "<title>Test Bankası 3-D Secure</title></head><body>"
            "<h1>Test Bankası 3-D Secure (iyzico test sunucusu)</h1>"
            f"<form method='post' action='{html.escape(payment.callback_url)}'>{inputs}"
            "<button type='submit'>Onayla</button></form></body></html>"
        ).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)
