from django.utils.functional import SimpleLazyObject, empty

from .selectors import memberships_active_for


def current_provider(request):
    """Header data: the current company and, lazily, the companies to switch to."""
    user = getattr(request, "user", None)
    if user is None:
        return {
            "current_provider": None,
            "current_membership": None,
            "current_roles": frozenset(),
            "switchable_memberships": (),
        }
    # The person, already loaded by the middleware (SessionIdleTimeoutMiddleware asks whether
    # they are logged in): the templates read ``user`` a dozen times per page, and every read
    # through Django's lazy wrapper costs several proxied attribute lookups.
    user = (
        user._wrapped if isinstance(user, SimpleLazyObject) and user._wrapped is not empty else user
    )
    if not user.is_authenticated:
        return {
            "user": user,
            "current_provider": None,
            "current_membership": None,
            "current_roles": frozenset(),
            "switchable_memberships": (),
        }
    membership = getattr(request, "membership", None)
    # Read by CurrentProviderMiddleware with the membership check of this very request.
    active = getattr(request, "active_memberships", None)
    return {
        "user": user,
        # For showing only the buttons a person may use; views and services check again.
        "current_roles": membership.effective_roles if membership is not None else frozenset(),
        "current_provider": getattr(request, "service_provider", None),
        "current_membership": getattr(request, "membership", None),
        "switchable_memberships": active
        if active is not None
        else SimpleLazyObject(lambda: list(memberships_active_for(user=user))),
    }
