"""Demo data for packages: the catalog (domain.md), an open promotion, a contract version, and an
active İLETİ-75 for Anadolu Tekstil (Boğaziçi Gıda has none). Idempotent."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import ServiceProvider
from iys_portal.formatting import money

from .models import ContractVersion, Package, Promotion, Subscription

VAT = Decimal("0.20")


def _ex_vat(vat_included: str) -> Decimal:
    return money(Decimal(vat_included) / (1 + VAT))


CATALOG = [
    # code, name, limit, yearly price ex-VAT, always free, quote only
    ("ileti-5", "İLETİ-5", 5_000, Decimal("0.00"), True, False),
    ("ileti-25", "İLETİ-25", 25_000, Decimal("6250.00"), False, False),
    ("ileti-75", "İLETİ-75", 75_000, Decimal("12500.00"), False, False),
    ("ileti-150", "İLETİ-150", 150_000, _ex_vat("23055"), False, False),  # 19.212,50 ₺
    ("ileti-250", "İLETİ-250", 250_000, _ex_vat("29483"), False, False),  # 24.569,17 ₺
    ("ileti-plus", "İLETİ+", None, Decimal("0.00"), False, True),
]

CONTRACT_TEXT = """Madde 1 — Taraflar
Bu sözleşme, İleti Yönetim Sistemi A.Ş. ("İYS") ile aşağıda unvanı yazılı hizmet sağlayıcı
arasında, İYS'de İLETİ paketi kullanımına ilişkin şartları düzenler.

Madde 2 — Konu
Hizmet sağlayıcı, seçtiği İLETİ paketinin adres sınırı içinde, iş ortağı yetkilendirerek
entegrasyon modülünden yararlanır. Adres sayısı, İYS'ye onaylı olarak kaydedilen telefon
numarası sayısı ile e-posta adresi sayısından büyük olanıdır.

Madde 3 — Süre
Paket, etkinleştiği tarihten itibaren bir (1) yıl geçerlidir. Süre sonunda yenilenmeyen paket
Temel Hizmetler'e döner; iş ortaklarının entegrasyon yetkisi kalkar.

Madde 4 — Ücret ve ödeme
Ücretli paketlerin bedeli KDV dahil olarak kredi kartı veya banka transferi (Havale/EFT) ile
ödenir. Banka transferinde açıklamaya Sipariş Kodu ve Firma Unvanı yazılmalıdır. Büyük pakete
geçişte eski paketin kullanılmayan süresi gün esasına göre mahsup edilir.

Madde 5 — Kişisel verilerin korunması
Taraflar, 6698 sayılı Kişisel Verilerin Korunması Kanunu'na uygun davranmayı kabul eder.
"""


DEMO_TAX_NUMBERS = ["1234567890", "9876543217"]


def catalog_seed() -> dict[str, Package]:
    """The catalog's packages by code, created or brought up to date (demo and bench data)."""
    packages = {}
    for order, (code, name, limit, price, free, quote) in enumerate(CATALOG):
        packages[code], _ = Package.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "address_limit": limit,
                "yearly_net_price": price,
                "vat_rate": VAT,
                "always_free": free,
                "is_quote_only": quote,
                "is_active": True,
                "display_order": order,
            },
        )
    return packages


def seed(*, stdout) -> None:
    packages = catalog_seed()

    istanbul = ZoneInfo("Europe/Istanbul")
    promotion, _ = Promotion.objects.update_or_create(
        name="İLETİ-25 ve İLETİ-75 ücretsiz kampanyası",
        defaults={
            "starts_at": datetime(2026, 1, 1, tzinfo=istanbul),
            "ends_at": datetime(2027, 12, 31, 23, 59, tzinfo=istanbul),
        },
    )
    promotion.packages.set([packages["ileti-25"], packages["ileti-75"]])

    ContractVersion.objects.update_or_create(
        version="2026.1",
        defaults={
            "title": "İleti Yönetim Sistemi Paket Hizmet Sözleşmesi",
            "text": CONTRACT_TEXT,
            "effective_from": date(2026, 1, 1),
        },
    )

    anadolu = ServiceProvider.objects.get(tax_number="1234567890")
    if not Subscription.objects.filter(
        service_provider=anadolu, status=Subscription.Status.ACTIVE
    ).exists():
        starts = timezone.now() - timezone.timedelta(days=45)
        Subscription.objects.create(
            service_provider=anadolu,
            package=packages["ileti-75"],
            status=Subscription.Status.ACTIVE,
            starts_at=starts,
            ends_at=starts.replace(year=starts.year + 1),
        )

    stdout.write(
        "  Paketler: "
        + ", ".join(p.name for p in packages.values())
        + "\n  Kampanya: İLETİ-25 ve İLETİ-75 ücretsiz (2027 sonuna kadar)\n"
    )
    _write_current_packages(stdout)


def _write_current_packages(stdout) -> None:
    """What each demo company has now: after a first run the demo may have bought packages."""
    active = {
        s.service_provider_id: s
        for s in Subscription.objects.filter(status=Subscription.Status.ACTIVE).select_related(
            "package"
        )
    }
    for provider in ServiceProvider.objects.filter(tax_number__in=DEMO_TAX_NUMBERS).order_by(
        "title"
    ):
        sub = active.get(provider.pk)
        state = (
            f"aktif {sub.package.name} ({timezone.localtime(sub.ends_at):%d.%m.%Y} tarihine kadar)"
            if sub
            else "paket yok (Temel Hizmetler)"
        )
        stdout.write(f"  {provider.title}: {state}\n")
