"""Benchmark data of brands (``bench_data``): the measured company's 20 brands, each with a
business partner (MESAJ, ARAMA) and an AHS (MESAJ). Rows are inserted directly."""

from .models import Brand, Grant, Integrator


def seed(*, providers: int, context: dict) -> None:
    measured, person = context["measured"], context["person"]
    if Brand.objects.filter(service_provider=measured).exists():
        return
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
