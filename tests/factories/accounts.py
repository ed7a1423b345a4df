import factory
from factory.django import DjangoModelFactory

from accounts.authorization import new_request_number, new_upload_nonce
from accounts.models import AuthorizationRequest, Membership, ServiceProvider, User
from accounts.validators import tckn_check_digits, vkn_check_digit

__all__ = [
    "AuthorizationRequestFactory",
    "MembershipFactory",
    "ServiceProviderFactory",
    "UserFactory",
    "make_tckn",
    "support_group",
    "make_vkn",
    "delegate_with_roles",
]


def make_tckn(n: int) -> str:
    first_nine = f"{100000000 + n:09d}"[-9:]
    if first_nine[0] == "0":
        first_nine = "1" + first_nine[1:]
    return first_nine + tckn_check_digits(first_nine)


def make_vkn(n: int) -> str:
    first_nine = f"{n:09d}"[-9:]
    return first_nine + vkn_check_digit(first_nine)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("tckn",)

    tckn = factory.Sequence(lambda n: make_tckn(5000 + n))
    first_name = factory.Faker("first_name", locale="tr_TR")
    last_name = factory.Faker("last_name", locale="tr_TR")
    email = factory.LazyAttribute(lambda u: f"kisi{u.tckn}@example.com")
    password = factory.django.Password(None)


class ServiceProviderFactory(DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    title = factory.Sequence(lambda n: f"Örnek Ticaret {n} A.Ş.")
    tax_number = factory.Sequence(lambda n: make_vkn(300000000 + n))
    iys_code = factory.Sequence(lambda n: 700000 + n)
    email = factory.Sequence(lambda n: f"firma{n}@example.com")
    phone = "+902125550000"
    address = "Örnek Mah. Deneme Sok. No: 1"
    city = "İstanbul"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    service_provider = factory.SubFactory(ServiceProviderFactory)
    role = Membership.Role.AUTHORIZED
    is_active = True


class AuthorizationRequestFactory(DjangoModelFactory):
    class Meta:
        model = AuthorizationRequest

    number = factory.LazyFunction(new_request_number)
    service_provider = factory.SubFactory(ServiceProviderFactory)
    applicant_tckn = factory.Sequence(lambda n: make_tckn(90000 + n))
    applicant_first_name = "Çağrı"
    applicant_last_name = factory.Sequence(lambda n: f"Işıkoğlu{n}")
    applicant_email = factory.Sequence(lambda n: f"basvuran{n}@example.com")
    applicant_phone = "+905321234567"
    role_reason = "Pazarlama müdürü; izin kayıtlarını yöneteceğim."
    upload_nonce = factory.LazyFunction(new_upload_nonce)


def support_group():
    """The "Destek" group with its permissions, as the data migration makes it.

    Transactional tests (browser, concurrency) flush the database between tests, which takes the
    migration's rows with it; this re-runs the migration's own function.
    """
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("accounts.migrations.0003_support_group_permissions")
    migration.grant(apps, None)
    return Group.objects.get(name=migration.GROUP)


def delegate_with_roles(service_provider, *roles, user=None):
    """An active delegate of ``service_provider`` holding ``roles`` (plus «Görüntüleme»)."""
    from accounts.roles import normalize_roles

    return Membership.objects.create(
        user=user or UserFactory(),
        service_provider=service_provider,
        role=Membership.Role.DELEGATE,
        roles=normalize_roles(roles),
    )
