"""Generate the benchmark data set (bench/run.py): N companies, and one measured company.

Idempotent for a given size: a second run with the same --providers only refreshes the sessions.
"""

import json
from datetime import timedelta
from importlib import import_module
from importlib.util import find_spec

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
    ("Marka Yönetimi (20 marka)", "brands:index", {}, "portal"),
    ("Muhasebe: bekleyen havaleler", "admin:payments_pendingtransfer_changelist", {}, "staff"),
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

    def handle(self, *args, providers: int, json: bool, **options):
        with transaction.atomic():
            measured, person, accountant = self._accounts(providers)
            for app in ("packages", "payments", "brands"):
                if find_spec(f"{app}.bench") is not None:
                    import_module(f"{app}.bench").generate(
                        providers=list(ServiceProvider.objects.order_by("pk")),
                        measured=measured,
                        person=person,
                        stdout=self.stdout,
                    )
        cookies = {
            "portal": self._session_cookie(person, measured),
            "staff": self._session_cookie(accountant, None),
        }
        targets = []
        for name, url_name, kwargs, who in TARGETS:
            try:
                path = reverse(url_name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            targets.append({"name": name, "path": path, "as": who})
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
