"""The one place that answers "may this person do that for this company?" (J11).

Views and services both ask here, so the rule cannot be skipped by leaving out a button:

- ``has_role(membership, role)`` — a pure check on a loaded membership (no query).
- ``require_role(membership, role)`` — the same, raising ``RoleDenied`` (a
  ``PermissionDeniedError``, so views show its Turkish message; the decorator turns it into 403).
- ``require_actor_role(actor=…, service_provider_id=…, role=…)`` — for services, which get a
  person and a company rather than a membership: one query, then ``require_role``.
- ``role_required(role)`` — the view decorator (logged in, a company chosen, the role held).

The authorized person holds every role. A delegate always reads («Görüntüleme»); the other
roles are the set the authorized person gave. Back-office staff acting in the admin are not
members: their model permissions in the admin govern them, so services let ``is_staff`` actors
through, and ``actor=None`` means the system itself (tasks, data migrations).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from iys_portal.errors import PermissionDeniedError

from .roles import Role

__all__ = ["Role", "RoleDenied", "has_role", "require_role", "require_actor_role", "role_required"]

_DENIED = {
    Role.VIEW: _("Bu sayfayı görüntüleme yetkiniz yok."),
    Role.CONSENTS: _("Bu işlem için «İzin yönetimi» rolü gerekir. Rolünüzü yetkili kişi belirler."),
    Role.BRANDS: _("Bu işlem için «Marka yönetimi» rolü gerekir. Rolünüzü yetkili kişi belirler."),
    Role.PURCHASING: _("Bu işlem için «Satın alma» rolü gerekir. Rolünüzü yetkili kişi belirler."),
}


class RoleDenied(PermissionDeniedError):
    pass


def has_role(membership, role: str) -> bool:
    if membership is None or not membership.is_active:
        return False
    return str(role) in membership.effective_roles


def denied_message(role: str):
    return _DENIED[Role(role)]


def require_role(membership, role: str) -> None:
    if not has_role(membership, role):
        raise RoleDenied(denied_message(role), code="role_denied", extra={"role": str(role)})


def require_actor_role(*, actor, service_provider_id: int, role: str) -> None:
    """For services: ``actor`` must hold ``role`` for the company (see the module docstring)."""
    from .models import Membership

    if actor is None or (actor.is_active and actor.is_staff):
        return
    membership = Membership.objects.filter(
        user=actor, service_provider_id=service_provider_id, is_active=True
    ).first()
    require_role(membership, role)


def role_required(role: str):
    """View decorator: logged in, acting for a company, and holding ``role`` there (403 else)."""
    from .decorators import provider_required

    def decorator(view):
        @wraps(view)
        @provider_required
        def wrapper(request, *args, **kwargs):
            if not has_role(request.membership, role):
                raise PermissionDenied(str(denied_message(role)))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
