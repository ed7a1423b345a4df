"""Demo data for the integration API (idempotent): the demo partner (Poli, 900101) authorized
on Anadolu Tekstil (77790) with reconciliation, and one API user for it and one for the demo
AHS (Mobilişim, 900201, which checks Boğaziçi Gıda's MESAJ consents). The demo secrets are
printed in the README; real ones are random and shown once in the admin."""

from accounts.models import User
from brands.models import Brand, Grant, Integrator
from brands.services import partner_grant_set

from .credentials import digest
from .models import ApiUser

DEMO_USERS = [
    # integrator code, username, secret
    (900101, "poli-demo", "poli-demo-parola-2026"),
    (900201, "mobilisim-demo", "mobilisim-demo-parola-2026"),
]


def seed(*, stdout) -> None:
    anadolu = Brand.objects.get(code=77790)
    poli = Integrator.objects.get(code=900101)
    if not Grant.objects.filter(brand=anadolu, integrator=poli, revoked_at__isnull=True).exists():
        partner_grant_set(
            service_provider=anadolu.service_provider,
            brand_id=anadolu.pk,
            integrator_id=poli.pk,
            channels=["MESAJ", "ARAMA", "EPOSTA"],
            reconciliation=True,
            actor=User.objects.get(tckn="10000000146"),
        )
    for code, username, secret in DEMO_USERS:
        ApiUser.objects.get_or_create(
            username=username,
            defaults={
                "integrator": Integrator.objects.get(code=code),
                "secret_hash": digest(secret),
            },
        )
    stdout.write(
        "  API kullanıcıları: "
        + ", ".join(f"{username} / {secret}" for _code, username, secret in DEMO_USERS)
        + "\n"
    )
