"""Delegate roles (J11): set by the authorized person, recorded (who, when, from, to), shown on
«Yetkilendirmeler»; approving and removing are confirmed first; support's delegate starts with
«Görüntüleme» and the customer sees «Destek», not the clerk."""

import re

import pytest
from django.urls import reverse

from accounts.models import AuthorizationRequest, Membership, MembershipRoleChange
from accounts.services import (
    authorization_request_approve,
    authorization_request_create,
    membership_roles_set,
)
from iys_portal.errors import ApplicationError, NotFoundError, PermissionDeniedError
from tests.factories import (
    AuthorizationRequestFactory,
    ServiceProviderFactory,
    delegate_with_roles,
    make_staff,
    make_tckn,
    support_group,
)

pytestmark = pytest.mark.django_db

DELEGATES = reverse("accounts:delegates")


def test_roles_set_records_who_when_from_and_to(provider, authorized_user):
    delegate = delegate_with_roles(provider)
    membership_roles_set(
        service_provider=provider,
        membership_id=delegate.pk,
        roles=["brands", "purchasing"],
        actor=authorized_user,
    )
    delegate.refresh_from_db()
    assert delegate.roles == ["view", "brands", "purchasing"]
    change = MembershipRoleChange.objects.get(membership=delegate)
    assert (change.changed_by, change.via) == (authorized_user, "portal")
    assert (change.roles_before, change.roles_after) == (["view"], delegate.roles)
    assert change.changed_at is not None
    # The same set again records nothing.
    membership_roles_set(
        service_provider=provider,
        membership_id=delegate.pk,
        roles=["purchasing", "brands"],
        actor=authorized_user,
    )
    assert MembershipRoleChange.objects.filter(membership=delegate).count() == 1


def test_a_delegate_cannot_change_roles_even_with_every_role(provider, authorized_user):
    target = delegate_with_roles(provider)
    strong = delegate_with_roles(provider, "consents", "brands", "purchasing")
    with pytest.raises(PermissionDeniedError):
        membership_roles_set(
            service_provider=provider, membership_id=target.pk, roles=["brands"], actor=strong.user
        )
    target.refresh_from_db()
    assert target.roles == ["view"]


def test_roles_of_another_companys_delegate_cannot_be_set(provider, authorized_user):
    foreign = delegate_with_roles(ServiceProviderFactory())
    with pytest.raises(NotFoundError):
        membership_roles_set(
            service_provider=provider,
            membership_id=foreign.pk,
            roles=["brands"],
            actor=authorized_user,
        )
    foreign.refresh_from_db()
    assert foreign.roles == ["view"]


def test_unknown_role_is_refused(provider, authorized_user):
    delegate = delegate_with_roles(provider)
    with pytest.raises(ApplicationError, match="Geçersiz rol"):
        membership_roles_set(
            service_provider=provider,
            membership_id=delegate.pk,
            roles=["admin"],
            actor=authorized_user,
        )


def test_the_request_form_asks_for_roles_and_the_authorized_person_decides(
    client, provider, authorized_user
):
    response = client.post(
        reverse("accounts:authorization_request_new"),
        {
            "tax_number": provider.tax_number,
            "applicant_tckn": make_tckn(4242),
            "first_name": "Çağrı",
            "last_name": "Işık",
            "email": "cagri@example.com",
            "phone": "0532 123 45 67",
            "role_reason": "Satın alma uzmanıyım; paketleri ben alacağım.",
            "requested_roles": ["purchasing", "brands"],
        },
    )
    assert response.status_code == 302
    request = AuthorizationRequest.objects.get(service_provider=provider)
    assert request.requested_roles == ["view", "brands", "purchasing"]
    # The authorized person gives less than asked.
    authorization_request_approve(
        authorization_request_id=request.pk,
        actor=authorized_user,
        via=AuthorizationRequest.DecidedVia.PORTAL,
        roles=["purchasing"],
    )
    membership = Membership.objects.get(service_provider=provider, role="delegate")
    assert membership.roles == ["view", "purchasing"]
    change = MembershipRoleChange.objects.get(membership=membership)
    assert (change.roles_before, change.roles_after) == ([], ["view", "purchasing"])


def test_a_tampered_role_in_the_request_form_changes_nothing(client, provider):
    response = client.post(
        reverse("accounts:authorization_request_new"),
        {
            "tax_number": provider.tax_number,
            "applicant_tckn": make_tckn(4243),
            "first_name": "Çağrı",
            "last_name": "Işık",
            "email": "cagri@example.com",
            "phone": "0532 123 45 67",
            "role_reason": "Satın alma uzmanıyım; paketleri ben alacağım.",
            "requested_roles": ["superuser"],
        },
    )
    assert response.status_code == 400
    assert "Geçersiz rol seçimi." in response.content.decode()
    assert not AuthorizationRequest.objects.exists()


def test_support_approval_starts_with_view_only_whatever_was_asked(provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    support_group()
    clerk = make_staff("Destek", first_name="Kemal", last_name="Sunar")
    request = AuthorizationRequestFactory(
        service_provider=provider,
        status=AuthorizationRequest.Status.SUBMITTED,
        requested_roles=["view", "brands", "purchasing"],
    )
    authorization_request_approve(
        authorization_request_id=request.pk,
        actor=clerk,
        via=AuthorizationRequest.DecidedVia.SUPPORT,
    )
    membership = Membership.objects.get(service_provider=provider, role="delegate")
    assert membership.roles == ["view"]
    assert membership.granted_via == "support"


def test_yetkilendirmeler_shows_destek_not_the_clerk_and_the_role_history(
    provider_client, provider, authorized_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    support_group()
    clerk = make_staff("Destek", first_name="Kemal", last_name="Sunar")
    request = AuthorizationRequestFactory(
        service_provider=provider, status=AuthorizationRequest.Status.SUBMITTED
    )
    authorization_request_approve(
        authorization_request_id=request.pk,
        actor=clerk,
        via=AuthorizationRequest.DecidedVia.SUPPORT,
    )
    membership = Membership.objects.get(service_provider=provider, role="delegate")
    provider_client.post(
        reverse("accounts:delegate_roles", args=[membership.pk]),
        {f"m{membership.pk}-roles": ["brands"]},
    )
    page = provider_client.get(DELEGATES).content.decode()
    assert "Kemal" not in page and "Sunar" not in page
    row = page[page.index(f'data-testid="delegate-{membership.pk}"') :]
    assert 'data-testid="granted-by">Destek</td>' in row
    assert "Görüntüleme, Marka yönetimi" in row
    history = page[page.index('id="role-history-title"') :]
    assert history.count('data-testid="role-change"') == 2
    first, second = history.split('data-testid="role-change"')[1:3]
    assert "Görüntüleme, Marka yönetimi" in first and authorized_user.get_full_name() in first
    assert "— (yetki yoktu)" in second and "Destek" in second


def test_approve_asks_first_and_posts_the_chosen_roles(provider_client, provider):
    request = AuthorizationRequestFactory(
        service_provider=provider, requested_roles=["view", "consents"]
    )
    url = reverse("accounts:authorization_request_approve", args=[request.pk])
    page = provider_client.get(url).content.decode()
    assert re.search(r'value="consents"[^>]*checked', page)
    assert not re.search(r'value="purchasing"[^>]*checked', page)
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.AWAITING_SIGNATURE
    provider_client.post(url, {"roles": ["consents", "purchasing"]})
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.APPROVED
    assert request.membership.roles == ["view", "consents", "purchasing"]


def test_remove_asks_first_and_is_recorded(provider_client, provider, authorized_user):
    delegate = delegate_with_roles(provider, "brands")
    url = reverse("accounts:delegate_deactivate", args=[delegate.pk])
    page = provider_client.get(url).content.decode()
    assert "Evet, yetkiyi kaldır" in page
    delegate.refresh_from_db()
    assert delegate.is_active
    provider_client.post(url)
    delegate.refresh_from_db()
    assert not delegate.is_active
    change = MembershipRoleChange.objects.get(membership=delegate)
    assert (change.roles_before, change.roles_after, change.changed_by) == (
        ["view", "brands"],
        [],
        authorized_user,
    )


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("accounts:delegate_roles", "post"),
        ("accounts:delegate_deactivate", "get"),
        ("accounts:delegate_deactivate", "post"),
        ("accounts:authorization_request_approve", "get"),
        ("accounts:authorization_request_approve", "post"),
    ],
)
def test_foreign_ids_are_not_found(provider_client, name, method):
    other = ServiceProviderFactory()
    foreign_delegate = delegate_with_roles(other)
    foreign_request = AuthorizationRequestFactory(service_provider=other)
    pk = foreign_delegate.pk if "delegate" in name else foreign_request.pk
    response = getattr(provider_client, method)(reverse(name, args=[pk]), {"roles": ["brands"]})
    assert response.status_code == 404
    foreign_delegate.refresh_from_db()
    foreign_request.refresh_from_db()
    assert foreign_delegate.is_active and foreign_delegate.roles == ["view"]
    assert foreign_request.status == AuthorizationRequest.Status.AWAITING_SIGNATURE


def test_delegates_page_query_count_does_not_grow(
    provider_client, provider, authorized_user, django_assert_num_queries
):
    def grow(n):
        for _ in range(n):
            d = delegate_with_roles(provider)
            membership_roles_set(
                service_provider=provider,
                membership_id=d.pk,
                roles=["brands"],
                actor=authorized_user,
            )
            AuthorizationRequestFactory(service_provider=provider)

    grow(2)
    provider_client.get(DELEGATES)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        provider_client.get(DELEGATES)
    grow(2)
    with django_assert_num_queries(len(first.captured_queries)):
        page = provider_client.get(DELEGATES).content.decode()
    assert page.count('data-testid="role-change"') == 4


def test_request_creation_keeps_requested_roles_through_the_service(provider):
    request, created = authorization_request_create(
        tax_number=provider.tax_number,
        applicant_tckn=make_tckn(4244),
        first_name="Ali",
        last_name="Veli",
        email="ali@example.com",
        phone="+905321234567",
        role_reason="Marka yöneticisiyim.",
        requested_roles=["brands"],
    )
    assert created and request.requested_roles == ["view", "brands"]
