from django.db.models import QuerySet

from .models import Membership, ServiceProvider, User


def memberships_active_for(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("service_provider")
        .order_by("service_provider__title")
    )


def membership_get_active(*, user: User, service_provider_id: int) -> Membership | None:
    return (
        Membership.objects.filter(
            user=user, service_provider_id=service_provider_id, is_active=True
        )
        .select_related("service_provider")
        .first()
    )


def service_provider_find_by_tax_number(*, tax_number: str) -> ServiceProvider | None:
    return ServiceProvider.objects.filter(tax_number=tax_number).first()
