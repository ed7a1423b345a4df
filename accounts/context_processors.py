from django.utils.functional import SimpleLazyObject

from .selectors import memberships_active_for


def current_provider(request):
    """Header data: the current company and, lazily, the companies to switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_provider": None, "current_membership": None, "switchable_memberships": ()}
    return {
        "current_provider": getattr(request, "service_provider", None),
        "current_membership": getattr(request, "membership", None),
        "switchable_memberships": SimpleLazyObject(lambda: list(memberships_active_for(user=user))),
    }
