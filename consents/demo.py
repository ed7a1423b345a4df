"""Demo consents: Anadolu Tekstil's brand 77790 holds a few approved phone numbers and e-mail
addresses (and two refusals), so Temel Hizmetler and the address gauge show something.
Idempotent: the same consents again change nothing."""

from accounts.models import User
from brands.models import Brand

from .normalize import consent_clean
from .selectors import address_count_for
from .services import RecordedBy, consents_apply

PHONES = 24
EMAILS = 15


def seed(*, stdout) -> None:
    brand = Brand.objects.select_related("service_provider").get(code=77790)
    ayse = User.objects.get(tckn="10000000146")
    items = [
        consent_clean(
            recipient=f"0532 410 {i:04d}",
            channel="MESAJ",
            recipient_type="BIREYSEL",
            status="RET" if i % 12 == 11 else "ONAY",
            source="HS_WEB",
            consent_date="2026-03-02 10:00:00",
        )
        for i in range(PHONES)
    ] + [
        consent_clean(
            recipient=f"musteri{i}@örnek.com.tr",
            channel="EPOSTA",
            recipient_type="BIREYSEL",
            status="ONAY",
            source="HS_EPOSTA",
            consent_date="2026-03-02 10:00:00",
        )
        for i in range(EMAILS)
    ]
    consents_apply(
        service_provider=brand.service_provider,
        brand=brand,
        items=items,
        recorded_by=RecordedBy.portal_user(ayse),
    )
    count = address_count_for(service_provider=brand.service_provider)
    stdout.write(
        f"  {brand.service_provider.title}: {count.phones} onaylı telefon, "
        f"{count.emails} onaylı e-posta («{brand.name}», Temel Hizmetler)\n"
    )
