"""Who may do what in Temel Hizmetler. One function decides, so the fuller role system of a
later issue replaces it in one place: today the authorized person writes, delegates read."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from accounts.decorators import provider_required


def can_write_consents(membership) -> bool:
    return membership is not None and membership.is_authorized_person


def consent_writer_required(view):
    @wraps(view)
    @provider_required
    def wrapper(request, *args, **kwargs):
        if not can_write_consents(request.membership):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
