"""Access rules for portal views: a logged-in person acting for a chosen service provider."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


def provider_required(view):
    """The person is logged in and holds an active membership of the current company."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.service_provider is None:
            return redirect("accounts:choose_provider")
        return view(request, *args, **kwargs)

    return wrapper


def authorized_person_required(view):
    """Only the company's authorized person (not a delegate)."""

    @wraps(view)
    @provider_required
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_authorized_person:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
