"""Demo data for brands: the integrator directory and the demo companies' brands (idempotent)."""

from accounts.models import ServiceProvider, User

from .models import Brand, Integrator
from .services import ahs_grant_set

PARTNER, AHS = Integrator.Kind.PARTNER, Integrator.Kind.AHS

DEMO_INTEGRATORS = [
    # code, kind, title, description
    (
        900101,
        PARTNER,
        "Poli Telekomünikasyon İletişim Bilişim Danışmanlık Reklam San. ve Tic. Ltd. Şti.",
        "İzin yönetimi entegrasyonu, toplu izin aktarımı ve mutabakat.",
    ),
    (900102, PARTNER, "Veribağ Entegrasyon Yazılım A.Ş.", "CRM ve e-ticaret entegrasyonları."),
    (900103, PARTNER, "Kuzey Bulut Bilişim Hizmetleri Ltd. Şti.", "Çağrı merkezi entegrasyonu."),
    (900201, AHS, "Mobilişim İletişim A.Ş.", "Toplu SMS gönderimi (MESAJ)."),
    (900202, AHS, "Marmara SMS Operatörlüğü A.Ş.", "SMS operatörü (MESAJ)."),
    (900203, AHS, "Ege E-posta ve Çağrı Hizmetleri A.Ş.", "E-posta ve sesli arama gönderimi."),
]

# service provider VKN → (brand code, name)
DEMO_BRANDS = [
    ("1234567890", 77790, "Anadolu Tekstil"),
    ("1234567890", 77791, "Pamukkale Ev Tekstili"),
    ("9876543217", 88120, "Boğaziçi Gıda"),
]


def seed(*, stdout) -> None:
    integrators = {}
    for code, kind, title, description in DEMO_INTEGRATORS:
        integrator, _ = Integrator.objects.get_or_create(
            code=code, defaults={"kind": kind, "title": title, "description": description}
        )
        integrators[code] = integrator

    brands = {}
    for tax_number, code, name in DEMO_BRANDS:
        provider = ServiceProvider.objects.get(tax_number=tax_number)
        brand, _ = Brand.objects.get_or_create(
            code=code, defaults={"service_provider": provider, "name": name}
        )
        brands[code] = brand

    # Boğaziçi Gıda sends its SMS through Mobilişim: an AHS grant needs no package.
    ayse = User.objects.get(tckn="10000000146")
    bogazici = brands[88120]
    ahs_grant_set(
        service_provider=bogazici.service_provider,
        brand_id=bogazici.pk,
        integrator_id=integrators[900201].pk,
        channels=["MESAJ"],
        actor=ayse,
    )

    stdout.write(
        "  Entegratörler: "
        + ", ".join(i.title for i in integrators.values())
        + "\n  Markalar: "
        + ", ".join(f"{b.name} ({b.code})" for b in brands.values())
        + "\n"
    )
