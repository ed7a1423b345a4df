"""Generate the benchmark data set (bench/run.py): N companies, and one measured company.

Idempotent for a given size: a second run with the same --providers only refreshes the sessions.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.middleware import SESSION_PROVIDER_KEY
from accounts.models import Membership, ServiceProvider, User
from accounts.validators import tckn_check_digits, vkn_check_digit

MEASURED_TITLE = "Kıyaslama Markaları Anonim Şirketi"
BATCH = 2000

# (name, url name, kwargs, who) — pages whose URL name does not exist are left out.
TARGETS = [
    ("Baseline (bare view + template)", "bench_baseline", {}, None),
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
    ("Muhasebe: bekleyen havaleler", "admin:payments_transferorder_changelist", {}, "staff"),
]


def _tckn(n: int) -> str:
    nine = f"{200000000 + n:09d}"
    return nine + tckn_check_digits(nine)


def _vkn(n: int) -> str:
    nine = f"{500000000 + n:09d}"
    return nine + vkn_check_digit(nine)


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
        with transaction.atomic():
            measured, person, accountant = self._accounts(providers)
            self._packages_and_brands(measured, person)
        if consents:
            from consents.bench import load_consents

            load_consents(
                service_provider=measured,
                user_id=person.pk,
                count=consents,
                log=lambda line: self.stderr.write(line),
            )
        cookies = {
            "portal": self._session_cookie(person, measured),
            "staff": self._session_cookie(accountant, None),
        }
        targets = []
        for name, url_name, extra, who in TARGETS:
            try:
                path = reverse(url_name)
            except NoReverseMatch:
                continue
            if extra.get("query"):
                path = f"{path}?{extra['query']}"
            targets.append(
                {"name": name, "path": path, "as": who, "headers": extra.get("headers", {})}
            )
        if json:
            self.stdout.write(_dumps({"targets": targets, "cookies": cookies}))

    def _accounts(self, providers: int):
        existing = ServiceProvider.objects.count()
        if existing < providers:
            rows = [
                ServiceProvider(
                    title=f"Kıyas Ticaret {n} A.Ş.",
                    tax_number=_vkn(n),
                    iys_code=900000 + n,
                    email=f"firma{n}@bench.example",
                    city="İstanbul",
                )
                for n in range(existing, providers)
            ]
            ServiceProvider.objects.bulk_create(rows, batch_size=BATCH)
            new = list(ServiceProvider.objects.filter(iys_code__gte=900000 + existing))
            users = User.objects.bulk_create(
                [
                    User(
                        tckn=_tckn(p.iys_code - 900000),
                        first_name="Kıyas",
                        last_name=str(p.pk),
                        password=make_password(None),
                    )
                    for p in new
                ],
                batch_size=BATCH,
            )
            users = {u.tckn: u for u in User.objects.filter(tckn__in=[u.tckn for u in users])}
            Membership.objects.bulk_create(
                [
                    Membership(
                        user=users[_tckn(p.iys_code - 900000)],
                        service_provider=p,
                        role=Membership.Role.AUTHORIZED,
                    )
                    for p in new
                ],
                batch_size=BATCH,
            )
        measured = ServiceProvider.objects.order_by("pk").first()
        if measured.title != MEASURED_TITLE:
            measured.title = MEASURED_TITLE
            measured.save(update_fields=["title"])
        person = (
            Membership.objects.select_related("user")
            .get(service_provider=measured, role=Membership.Role.AUTHORIZED)
            .user
        )
        accountant, created = User.objects.get_or_create(
            tckn=_tckn(9_999_999),
            defaults={"first_name": "Kıyas", "last_name": "Muhasebe", "is_staff": True},
        )
        if created:
            accountant.set_unusable_password()
            accountant.save(update_fields=["password"])
        group, _ = Group.objects.get_or_create(name="Muhasebe")
        accountant.groups.add(group)
        return measured, person, accountant

    @staticmethod
    def _packages_and_brands(measured, person) -> None:
        """The measured company: an active İLETİ-150 and 20 brands, each with a business partner
        (MESAJ, ARAMA) and an AHS (MESAJ); every 10th company has a transfer awaiting
        accounting. Rows are inserted directly: this is load data, not a user's action."""
        from brands.models import Brand, Grant, Integrator
        from packages import order_codes
        from packages.demo import CATALOG, VAT
        from packages.models import Order, Package, Subscription

        if Brand.objects.filter(service_provider=measured).exists():
            return
        for position, (code, name, limit, price, free, quote) in enumerate(CATALOG):
            Package.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "address_limit": limit,
                    "yearly_net_price": price,
                    "vat_rate": VAT,
                    "always_free": free,
                    "is_quote_only": quote,
                    "is_active": True,
                    "display_order": position,
                },
            )
        ileti150 = Package.objects.get(code="ileti-150")
        now = timezone.now()
        Subscription.objects.create(
            service_provider=measured,
            package=ileti150,
            status=Subscription.Status.ACTIVE,
            starts_at=now - timedelta(days=30),
            ends_at=now + timedelta(days=335),
        )
        partner, _ = Integrator.objects.get_or_create(
            code=990001, defaults={"title": "Kıyas İş Ortağı A.Ş.", "kind": Integrator.Kind.PARTNER}
        )
        ahs, _ = Integrator.objects.get_or_create(
            code=990002, defaults={"title": "Kıyas SMS Operatörü A.Ş.", "kind": Integrator.Kind.AHS}
        )
        brands = Brand.objects.bulk_create(
            [
                Brand(service_provider=measured, name=f"Kıyas Markası {n}", code=5_000_000 + n)
                for n in range(20)
            ]
        )
        grants = []
        for brand in brands:
            grants.append(
                Grant(
                    brand=brand,
                    integrator=partner,
                    kind=partner.kind,
                    mesaj=True,
                    arama=True,
                    can_read=True,
                    can_write=True,
                    granted_by=person,
                )
            )
            grants.append(
                Grant(
                    brand=brand,
                    integrator=ahs,
                    kind=ahs.kind,
                    mesaj=True,
                    can_read=True,
                    granted_by=person,
                )
            )
        Grant.objects.bulk_create(grants)
        net = ileti150.yearly_net_price
        vat = (net * VAT).quantize(net)
        others = ServiceProvider.objects.exclude(pk=measured.pk).order_by("pk")[::10]
        Order.objects.bulk_create(
            [
                Order(
                    code=order_codes.generate(),
                    service_provider=provider,
                    package=ileti150,
                    status=Order.Status.AWAITING_TRANSFER,
                    payment_method=Order.PaymentMethod.TRANSFER,
                    phone_count=120_000,
                    email_count=140_000 if n % 2 else 90_000,
                    address_count=140_000 if n % 2 else 120_000,
                    net_amount=net,
                    vat_amount=vat,
                    total_amount=net + vat,
                    payment_due_at=now + timedelta(days=n % 7),
                    created_by=person,
                )
                for n, provider in enumerate(others)
            ],
            batch_size=BATCH,
        )

    @staticmethod
    def _session_cookie(user, provider) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if provider is not None:
            session[SESSION_PROVIDER_KEY] = provider.pk
        session["last_seen"] = int((timezone.now() + timedelta(hours=1)).timestamp())
        session.set_expiry(4 * 60 * 60)
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
