"""Benchmark data of accounts (``bench_data``): N companies with their authorized person, the
measured company, an accountant, a support clerk with authorization requests to review, and the
session cookies the benchmark logs in with."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from . import authorization
from .middleware import SESSION_PROVIDER_KEY
from .models import AuthorizationRequest, Membership, ServiceProvider, User
from .validators import tckn_check_digits, vkn_check_digit

MEASURED_TITLE = "Kıyaslama Markaları Anonim Şirketi"
BATCH = 2000
REJECTION = "İmza sirkülerindeki imza uyuşmuyor."


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
    support = _staff(9_999_998, "Destek")
    _authorization_requests(support)
    context.update(measured=measured, person=person)
    context["cookies"] = {
        "portal": session_cookie(person, measured),
        "staff": session_cookie(accountant, None),
        "support": session_cookie(support, None),
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
    return measured, person, _staff(9_999_999, "Muhasebe")


def _staff(n: int, group_name: str) -> User:
    clerk, created = User.objects.get_or_create(
        tckn=_tckn(n),
        defaults={"first_name": "Kıyas", "last_name": group_name, "is_staff": True},
    )
    if created:
        clerk.set_unusable_password()
        clerk.save(update_fields=["password"])
    group, _ = Group.objects.get_or_create(name=group_name)
    clerk.groups.add(group)
    return clerk


def _authorization_requests(support: User) -> None:
    """The support desk's work: a request for every 10th company (the 6th of each ten), over the
    last 60 days; of ten, six signed and waiting for review, two waiting for the signed form,
    one approved and one rejected by support."""
    if AuthorizationRequest.objects.exists():
        return
    now = timezone.now()
    S = AuthorizationRequest.Status
    plan = [S.SUBMITTED] * 6 + [S.AWAITING_SIGNATURE] * 2 + [S.APPROVED, S.REJECTED]
    rows = []
    for n, provider in enumerate(ServiceProvider.objects.order_by("pk")[5::10]):
        status = plan[n % len(plan)]
        created = now - timedelta(days=n % 60, minutes=n)
        decided = status in (S.APPROVED, S.REJECTED)
        rows.append(
            AuthorizationRequest(
                number=f"{authorization.NUMBER_PREFIX}B{n:07d}",
                service_provider=provider,
                applicant_tckn=_tckn(5_000_000 + n),
                applicant_first_name="Başvuran",
                applicant_last_name=f"Kıyas {n}",
                applicant_email=f"basvuran{n}@bench.example",
                applicant_phone="+905320001234",
                role_reason="Pazarlama iletilerinin izinlerini yönetecek.",
                upload_nonce=authorization.new_upload_nonce(),
                upload_link_expires_at=created + timedelta(days=30),
                signed_form=f"bench/{n}.pdf" if status != S.AWAITING_SIGNATURE else "",
                signed_form_uploaded_at=created if status != S.AWAITING_SIGNATURE else None,
                created_at=created,
                status=status,
                decided_via=AuthorizationRequest.DecidedVia.SUPPORT if decided else "",
                decided_by=support if decided else None,
                decided_at=created + timedelta(hours=2) if decided else None,
                rejection_reason=REJECTION if status == S.REJECTED else "",
            )
        )
    AuthorizationRequest.objects.bulk_create(rows, batch_size=BATCH)


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
