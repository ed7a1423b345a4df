"""Factories for the brands app."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from brands.models import Brand, Grant, Integrator

from .accounts import ServiceProviderFactory, UserFactory

__all__ = [
    "AhsFactory",
    "AhsGrantFactory",
    "BrandFactory",
    "IntegratorFactory",
    "PartnerFactory",
    "PartnerGrantFactory",
]


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand

    service_provider = factory.SubFactory(ServiceProviderFactory)
    name = factory.Sequence(lambda n: f"Marka {n}")
    code = factory.Sequence(lambda n: 50_000 + n)


class IntegratorFactory(DjangoModelFactory):
    class Meta:
        model = Integrator

    title = factory.Sequence(lambda n: f"Entegratör {n} A.Ş.")
    code = factory.Sequence(lambda n: 800_000 + n)
    kind = Integrator.Kind.PARTNER
    is_active = True


class PartnerFactory(IntegratorFactory):
    title = factory.Sequence(lambda n: f"İş Ortağı {n} Bilişim A.Ş.")
    kind = Integrator.Kind.PARTNER


class AhsFactory(IntegratorFactory):
    title = factory.Sequence(lambda n: f"SMS Operatörü {n} A.Ş.")
    kind = Integrator.Kind.AHS


class _GrantFactory(DjangoModelFactory):
    """Builds a live grant row directly (for reads and constraints); writes in tests of the
    portal go through the services."""

    class Meta:
        model = Grant

    brand = factory.SubFactory(BrandFactory)
    kind = factory.SelfAttribute("integrator.kind")
    mesaj = True
    granted_by = factory.SubFactory(UserFactory)
    granted_at = factory.LazyFunction(timezone.now)


class PartnerGrantFactory(_GrantFactory):
    integrator = factory.SubFactory(PartnerFactory)
    can_write = True


class AhsGrantFactory(_GrantFactory):
    integrator = factory.SubFactory(AhsFactory)
    can_write = False
