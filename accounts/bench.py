"""Benchmark data of accounts (``bench_data``): N companies with their authorized person, the
measured company, an accountant, and the session cookies the benchmark logs in with."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from .middleware import SESSION_PROVIDER_KEY
from .models import Membership, ServiceProvider, User
from .validators import tckn_check_digits, vkn_check_digit

MEASURED_TITLE = "Kıyaslama Markaları Anonim Şirketi"
BATCH = 2000


def _tckn(n: int) -> str:
    nine = f"{200000000 + n:09d}"
    return nine + tckn_check_digits(nine)


def _vkn(n: int) -> str:
    nine = f"{500000000 + n:09d}"
    return nine + vkn_check_digit(nine)


def seed(*, providers: int, context: dict) -> None:
    """Puts ``measured`` (company), ``person`` (its authorized person) and ``cookies`` (portal,
    staff) into ``context`` for the apps after it and for the benchmark."""
    measured, person, accountant = _accounts(providers)
    context.update(measured=measured, person=person)
    context["cookies"] = {
        "portal": session_cookie(person, measured),
        "staff": session_cookie(accountant, None),
    }


def _accounts(providers: int):
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


def session_cookie(user, provider) -> str:
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
