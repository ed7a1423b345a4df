from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iys_portal.errors import ApplicationError

from .edevlet.client import Identity
from .models import Membership, ServiceProvider, User


@transaction.atomic
def user_sync_from_identity(*, identity: Identity) -> User:
    """The person e-Devlet vouched for; names are refreshed from e-Devlet on every login."""
    user, created = User.objects.select_for_update().get_or_create(
        tckn=identity.tckn,
        defaults={"first_name": identity.first_name, "last_name": identity.last_name},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif (user.first_name, user.last_name) != (identity.first_name, identity.last_name):
        user.first_name, user.last_name = identity.first_name, identity.last_name
        user.save(update_fields=["first_name", "last_name"])
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    service_provider: ServiceProvider,
    role: str,
    granted_by: User | None,
) -> Membership:
    """Give ``user`` access to ``service_provider``; re-activates a deactivated membership."""
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, service_provider=service_provider)
        .first()
    )
    if membership is None:
        return Membership.objects.create(
            user=user,
            service_provider=service_provider,
            role=role,
            granted_by=granted_by,
            granted_at=timezone.now(),
        )
    if membership.is_active and membership.role == role:
        return membership
    membership.role = role
    membership.is_active = True
    membership.granted_by = granted_by
    membership.granted_at = timezone.now()
    membership.deactivated_by = None
    membership.deactivated_at = None
    membership.save(
        update_fields=[
            "role",
            "is_active",
            "granted_by",
            "granted_at",
            "deactivated_by",
            "deactivated_at",
        ]
    )
    return membership


@transaction.atomic
def membership_deactivate(*, membership_id: int, actor: User) -> Membership:
    """End a delegate's access. The authorized person cannot be removed from the portal."""
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if membership.role == Membership.Role.AUTHORIZED:
        raise ApplicationError(_("Yetkili kişinin erişimi portal üzerinden kaldırılamaz."))
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.deactivated_by = actor
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_by", "deactivated_at"])
    return membership
