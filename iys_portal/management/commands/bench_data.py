"""Generate the benchmark data set (bench/run.py): N companies, and one measured company.
Each app seeds its own part in ``<app>/bench.py`` (see iys_portal.seeding).

Idempotent for a given size: a second run with the same --providers only refreshes the sessions.
"""

import json

from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from iys_portal.seeding import app_modules

# (name, url name, extra, who) — pages whose URL name does not exist are left out. ``extra``:
# "query", "headers", and "args": context keys whose values are the URL's arguments.
TARGETS = [
    ("Baseline (bare view + template)", "bench_baseline", {}, None),
    (
        "Baseline, logged in (session, user, membership, tiny template)",
        "bench_baseline_authenticated",
        {},
        "portal",
    ),
    ("Ana sayfa (anonim)", "home", {}, None),
    ("Ana sayfa (firma)", "home", {}, "portal"),
    ("Paket Yönetimi", "packages:manage", {}, "portal"),
    ("Paket satın alma + boyutlandırma", "packages:purchase", {}, "portal"),
    (
        "Boyutlandırma yardımcısı (htmx yanıtı)",
        "packages:purchase",
        {"query": "phone_count=150000&email_count=200000", "headers": {"HX-Request": "true"}},
        "portal",
    ),
    ("Marka Yönetimi (20 marka)", "brands:index", {}, "portal"),
    ("Temel Hizmetler: izin listesi", "consents:index", {}, "portal"),
    (
        "Temel Hizmetler: İzin Sorgula",
        "consents:query",
        {"query": "recipient=0532%20000%2012%2034"},
        "portal",
    ),
    ("Entegrasyon: API belgeleri (anonim)", "integration:docs", {}, None),
    ("Entegrasyon: OpenAPI şeması (anonim)", "api:openapi-json", {}, None),
    ("Muhasebe: bekleyen havaleler", "admin:payments_transferorder_changelist", {}, "staff"),
    (
        "Destek: yetkilendirme talepleri (admin)",
        "admin:accounts_authorizationrequest_changelist",
        {},
        "support",
    ),
    # The card form's htmx lookup: with production settings the gateway is iyzico, pointed at
    # the local iyzico double over HTTPS by bench/run.py (bench/iyzico_double.py).
    (
        "Kart taksit sorgusu (iyzico ikizi, HTTPS)",
        "payments:installments",
        {"args": ["card_order_code"], "query": "bin=552879", "headers": {"HX-Request": "true"}},
        "card",
    ),
]


class Command(BaseCommand):
    help = "Create the benchmark data set and print the pages and session cookies as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=10_000)
        parser.add_argument(
            "--json", action="store_true", help="print a JSON line for bench/run.py"
        )
        parser.add_argument(
            "--consents", type=int, default=0, help="consents of the measured company (COPY)"
        )

    def handle(self, *args, providers: int, json: bool, consents: int = 0, **options):
        context: dict = {"consents": consents}
        with transaction.atomic():
            for module in app_modules("bench"):
                module.seed(providers=providers, context=context)
        # Bulk loads (PostgreSQL COPY) run after, each in its own transactions.
        for module in app_modules("bench"):
            if hasattr(module, "load_bulk"):
                module.load_bulk(context=context, log=self.stderr.write)
        targets = []
        for name, url_name, extra, who in TARGETS:
            try:
                path = reverse(url_name, args=[context[key] for key in extra.get("args", [])])
            except (NoReverseMatch, KeyError):
                continue
            if extra.get("query"):
                path = f"{path}?{extra['query']}"
            targets.append(
                {"name": name, "path": path, "as": who, "headers": extra.get("headers", {})}
            )
        if json:
            self.stdout.write(_dumps({"targets": targets, "cookies": context["cookies"]}))


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
