"""Demo data for accounts: companies, their people and the back-office staff (idempotent)."""

from django.contrib.auth.models import Group

from .authorization import new_request_number, new_upload_nonce
from .models import AuthorizationRequest, Membership, ServiceProvider, User

PASSWORDLESS = None  # portal users log in through e-Devlet only

DEMO_PROVIDERS = [
    {
        "tax_number": "1234567890",
        "title": "Anadolu Tekstil Sanayi ve Ticaret A.Ş.",
        "mersis_no": "0123456789000015",
        "iys_code": 669563,
        "email": "iletisim@anadolutekstil.example",
        "phone": "+902125550101",
        "address": "Büyükdere Cad. No: 12, Şişli",
        "city": "İstanbul",
    },
    {
        "tax_number": "9876543217",
        "title": "Boğaziçi Gıda Ürünleri Ltd. Şti.",
        "mersis_no": "0987654321000018",
        "iys_code": 77790,
        "email": "bilgi@bogazicigida.example",
        "phone": "+902165550202",
        "address": "Atatürk Bulvarı No: 45, Çankaya",
        "city": "Ankara",
    },
]

DEMO_PEOPLE = [
    # tckn, first, last, email
    ("10000000146", "Ayşe", "Yılmaz", "ayse.yilmaz@anadolutekstil.example"),
    ("12345678950", "Mehmet", "Öztürk", "mehmet.ozturk@anadolutekstil.example"),
    ("11111111110", "Şükrü", "Çağlayan", "sukru@example.com"),
]

# Staff log into the admin (/yonetim/) with T.C. kimlik no and password.
DEMO_STAFF = [
    # tckn, first, last, password, groups, superuser
    ("22222222220", "Gülşen", "Işık", "muhasebe-demo", ["Muhasebe"], False),
    ("33333333330", "Ömer", "Doğan", "destek-demo", ["Destek"], False),
    ("44444444440", "Sistem", "Yöneticisi", "admin-demo", [], True),
]

STAFF_GROUPS = ["Muhasebe", "Destek"]


def seed(*, stdout) -> None:
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)

    providers = []
    for data in DEMO_PROVIDERS:
        provider, _ = ServiceProvider.objects.update_or_create(
            tax_number=data["tax_number"], defaults=data
        )
        providers.append(provider)

    people = {}
    for tckn, first, last, email in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            tckn=tckn, defaults={"first_name": first, "last_name": last, "email": email}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people[tckn] = user

    anadolu, bogazici = providers
    ayse, mehmet = people["10000000146"], people["12345678950"]
    for user, provider, role in [
        (ayse, anadolu, Membership.Role.AUTHORIZED),
        (ayse, bogazici, Membership.Role.AUTHORIZED),
        (mehmet, anadolu, Membership.Role.DELEGATE),
    ]:
        Membership.objects.get_or_create(
            user=user,
            service_provider=provider,
            defaults={"role": role, "granted_by": ayse if role == "delegate" else None},
        )

    for tckn, first, last, password, groups, superuser in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            tckn=tckn,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}@iys.example",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name__in=groups))

    # A request waiting for Ayşe Yılmaz on «Yetkilendirmeler» (and for Destek in the admin).
    if not AuthorizationRequest.objects.filter(
        service_provider=anadolu, applicant_tckn="11111111110"
    ).exists():
        AuthorizationRequest.objects.create(
            number=new_request_number(),
            service_provider=anadolu,
            applicant_tckn="11111111110",
            applicant_first_name="Şükrü",
            applicant_last_name="Çağlayan",
            applicant_email="sukru@example.com",
            applicant_phone="+905321234567",
            role_reason="Pazarlama müdürüyüm; İYS'deki izin kayıtlarını ben yöneteceğim.",
            upload_nonce=new_upload_nonce(),
        )

    stdout.write(
        "  Hizmet sağlayıcılar: "
        + ", ".join(p.title for p in providers)
        + "\n  e-Devlet simülatörü (şifre: demo): 10000000146 Ayşe Yılmaz (iki firmanın yetkili"
        " kişisi), 12345678950 Mehmet Öztürk (Anadolu Tekstil temsilcisi), 11111111110 Şükrü"
        " Çağlayan (yetkisi yok; Anadolu Tekstil için bekleyen yetkilendirme talebi var)"
        "\n  Yönetim (/yonetim/): 22222222220 / muhasebe-demo (Muhasebe),"
        " 33333333330 / destek-demo (Destek), 44444444440 / admin-demo (yönetici)\n"
    )
