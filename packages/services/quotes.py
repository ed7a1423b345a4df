"""İLETİ+ quote requests: above the largest fixed package, support quotes the price."""

from django.db import transaction

from accounts.models import ServiceProvider, User
from accounts.permissions import Role, require_actor_role

from ..models import QuoteRequest
from ..pricing import address_count_of


def quote_request_create(
    *,
    service_provider: ServiceProvider,
    phone_count: int,
    email_count: int,
    contact_email: str,
    contact_phone: str = "",
    note: str = "",
    actor: User,
) -> QuoteRequest:
    """İLETİ+: above the largest fixed package the price is quoted by support (seen in the
    admin). One open request per company: asking again updates it."""
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.PURCHASING)
    address_count = address_count_of(phone_count=phone_count, email_count=email_count)
    with transaction.atomic():
        ServiceProvider.objects.select_for_update().get(pk=service_provider.pk)
        values = {
            "phone_count": phone_count,
            "email_count": email_count,
            "address_count": address_count,
            "contact_email": contact_email,
            "contact_phone": contact_phone,
            "note": note,
        }
        existing = QuoteRequest.objects.filter(
            service_provider=service_provider, status=QuoteRequest.Status.OPEN
        ).first()
        if existing is not None:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(values))
            return existing
        return QuoteRequest.objects.create(
            service_provider=service_provider, created_by=actor, **values
        )
