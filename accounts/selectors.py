from django.db.models import QuerySet

from .authorization import upload_token_matches
from .models import AuthorizationRequest, Membership, MembershipRoleChange, ServiceProvider, User


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


def authorization_requests_open_for(
    *, service_provider: ServiceProvider
) -> QuerySet[AuthorizationRequest]:
    """Requests of one company still waiting for a decision, oldest first."""
    return AuthorizationRequest.objects.filter(
        service_provider=service_provider, status__in=AuthorizationRequest.OPEN_STATUSES
    ).order_by("created_at", "pk")


def authorization_request_get_for(
    *, service_provider: ServiceProvider, pk: int
) -> AuthorizationRequest | None:
    """One request of this company, or None (a foreign id looks like a missing one)."""
    return (
        AuthorizationRequest.objects.filter(service_provider=service_provider, pk=pk)
        .select_related("service_provider")
        .first()
    )


def authorization_request_get(*, pk: int) -> AuthorizationRequest | None:
    return (
        AuthorizationRequest.objects.select_related("service_provider", "decided_by")
        .filter(pk=pk)
        .first()
    )


def authorization_request_get_by_upload_token(
    *, number: str, token: str
) -> AuthorizationRequest | None:
    """The request whose upload link this is, or None for an unknown number or a wrong token."""
    request = AuthorizationRequest.objects.filter(number=number).first()
    if request is None or not upload_token_matches(request, token):
        return None
    return request


def delegates_active_for(*, service_provider: ServiceProvider) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            service_provider=service_provider, role=Membership.Role.DELEGATE, is_active=True
        )
        .select_related("user", "granted_by")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def delegate_get_for(*, service_provider: ServiceProvider, pk: int) -> Membership | None:
    return delegates_active_for(service_provider=service_provider).filter(pk=pk).first()


def authorized_person_emails_for(*, service_provider: ServiceProvider) -> list[str]:
    """Where to tell a company that someone asked to act for it: its contact address and the
    authorized person's own address, when known."""
    emails = [service_provider.email] if service_provider.email else []
    emails += [
        email
        for email in Membership.objects.filter(
            service_provider=service_provider,
            role=Membership.Role.AUTHORIZED,
            is_active=True,
        ).values_list("user__email", flat=True)
        if email and email not in emails
    ]
    return emails


ROLE_HISTORY_LIMIT = 50


def role_changes_for(*, service_provider: ServiceProvider, limit: int = ROLE_HISTORY_LIMIT):
    """The company's latest role changes (who, when, from, to), newest first."""
    return (
        MembershipRoleChange.objects.filter(membership__service_provider=service_provider)
        .select_related("membership__user", "changed_by")
        .order_by("-changed_at", "-pk")[:limit]
    )


def authorization_requests_of_applicant(*, tckn: str) -> QuerySet[AuthorizationRequest]:
    """A person's own requests (any company), newest first: the home page of someone who is
    not (yet) a member shows where they stand."""
    return (
        AuthorizationRequest.objects.filter(applicant_tckn=tckn)
        .select_related("service_provider")
        .order_by("-created_at", "-pk")
    )
