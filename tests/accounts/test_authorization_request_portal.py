"""The authorized person's «Yetkilendirmeler» page: decide requests, remove delegates."""

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuthorizationRequest, Membership, User
from tests.conftest import login_as
from tests.factories import AuthorizationRequestFactory, MembershipFactory, UserFactory
from tests.tenancy import assert_foreign_404

PAGE = "/hesap/yetkilendirmeler/"


def approve_url(r):
    return reverse("accounts:authorization_request_approve", args=[r.pk])


def reject_url(r):
    return reverse("accounts:authorization_request_reject", args=[r.pk])


def deactivate_url(m):
    return reverse("accounts:delegate_deactivate", args=[m.pk])


def test_page_lists_only_own_open_requests_and_delegates(provider_client, provider, db):
    own = AuthorizationRequestFactory(service_provider=provider, applicant_first_name="Zeynep")
    AuthorizationRequestFactory(
        service_provider=provider,
        status=AuthorizationRequest.Status.REJECTED,
        rejection_reason="Hayır",
        decided_via="portal",
        decided_at=timezone.now(),
        applicant_first_name="Reddedilen",
    )
    foreign = AuthorizationRequestFactory(applicant_first_name="Yabancıİstek")
    delegate = MembershipFactory(
        service_provider=provider, role=Membership.Role.DELEGATE, user__first_name="Mehmet"
    )
    MembershipFactory(role=Membership.Role.DELEGATE, user__first_name="BaşkaFirmaKişisi")

    response = provider_client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert own.number in html and "Zeynep" in html
    assert foreign.number not in html and "Yabancıİstek" not in html
    assert "Reddedilen" not in html
    assert f'data-testid="delegate-{delegate.pk}"' in html
    assert "BaşkaFirmaKişisi" not in html
    assert 'href="/hesap/yetkilendirmeler/"' in html  # the nav entry


def test_delegate_cannot_see_or_decide(delegate_client, provider):
    request = AuthorizationRequestFactory(service_provider=provider)
    assert delegate_client.get(PAGE).status_code == 403
    assert delegate_client.post(approve_url(request)).status_code == 403
    assert delegate_client.post(reject_url(request), {"reason": "Hayır"}).status_code == 403
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.AWAITING_SIGNATURE
    assert 'href="/hesap/yetkilendirmeler/"' not in delegate_client.get("/").content.decode()


def test_anonymous_is_sent_to_login(client, provider):
    request = AuthorizationRequestFactory(service_provider=provider)
    response = client.post(approve_url(request))
    assert response.status_code == 302 and "/hesap/giris/" in response["Location"]
    request.refresh_from_db()
    assert request.is_open


def test_foreign_company_gets_404_everywhere(foreign_client, provider):
    request = AuthorizationRequestFactory(service_provider=provider)
    delegate = MembershipFactory(service_provider=provider, role=Membership.Role.DELEGATE)
    assert_foreign_404(foreign_client, approve_url(request), method="post")
    assert_foreign_404(foreign_client, reject_url(request), method="post", data={"reason": "x"})
    assert_foreign_404(foreign_client, deactivate_url(delegate), method="post")
    request.refresh_from_db()
    delegate.refresh_from_db()
    assert request.is_open and delegate.is_active


def test_approve_without_paper_makes_an_active_delegate(
    provider_client, provider, authorized_user, django_capture_on_commit_callbacks
):
    request = AuthorizationRequestFactory(service_provider=provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post(approve_url(request), follow=True)
    assert "artık firmanız adına giriş yapabilir" in response.content.decode()

    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.APPROVED
    assert request.decided_by == authorized_user
    assert request.decided_via == AuthorizationRequest.DecidedVia.PORTAL
    assert request.decided_at is not None
    user = User.objects.get(tckn=request.applicant_tckn)
    assert user.first_name == request.applicant_first_name
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, service_provider=provider)
    assert membership.role == Membership.Role.DELEGATE and membership.is_active
    assert membership.granted_by == authorized_user
    assert request.membership == membership
    (message,) = mail.outbox
    assert message.to == [request.applicant_email]
    assert "onaylandı" in message.subject


def test_approving_twice_changes_nothing(
    provider_client, provider, django_capture_on_commit_callbacks
):
    request = AuthorizationRequestFactory(service_provider=provider)
    with django_capture_on_commit_callbacks(execute=True):
        provider_client.post(approve_url(request))
    request.refresh_from_db()
    first = (request.decided_at, request.membership_id)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        provider_client.post(approve_url(request))
    request.refresh_from_db()
    assert (request.decided_at, request.membership_id) == first
    assert callbacks == []
    assert len(mail.outbox) == 1
    assert Membership.objects.filter(service_provider=provider).count() == 2


def test_refuse_needs_a_reason_and_emails_it(
    provider_client, provider, django_capture_on_commit_callbacks
):
    request = AuthorizationRequestFactory(service_provider=provider)
    response = provider_client.post(reject_url(request), {"reason": "   "}, follow=True)
    assert "Ret gerekçesi yazınız." in response.content.decode()
    request.refresh_from_db()
    assert request.is_open

    with django_capture_on_commit_callbacks(execute=True):
        provider_client.post(reject_url(request), {"reason": "Bu kişi firmamızda çalışmıyor."})
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.REJECTED
    assert request.rejection_reason == "Bu kişi firmamızda çalışmıyor."
    assert not Membership.objects.filter(user__tckn=request.applicant_tckn).exists()
    (message,) = mail.outbox
    assert "reddedildi" in message.subject
    assert "Bu kişi firmamızda çalışmıyor." in message.body


def test_rejected_request_cannot_be_approved_later(
    provider_client, provider, django_capture_on_commit_callbacks
):
    request = AuthorizationRequestFactory(service_provider=provider)
    provider_client.post(reject_url(request), {"reason": "Hayır."})
    response = provider_client.post(approve_url(request), follow=True)
    assert "daha önce reddedildi" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.REJECTED
    assert not Membership.objects.filter(user__tckn=request.applicant_tckn).exists()


def test_applicant_who_is_the_authorized_person_is_not_demoted(
    provider_client, provider, authorized_user
):
    request = AuthorizationRequestFactory(
        service_provider=provider, applicant_tckn=authorized_user.tckn
    )
    response = provider_client.post(approve_url(request), follow=True)
    assert "yetkili kişisidir" in response.content.decode()
    membership = Membership.objects.get(user=authorized_user, service_provider=provider)
    assert membership.role == Membership.Role.AUTHORIZED
    request.refresh_from_db()
    assert request.is_open


def test_deactivated_delegate_is_refused_on_next_request(client, provider, authorized_user):
    delegate = MembershipFactory(service_provider=provider, role=Membership.Role.DELEGATE)
    delegate_client = login_as(client.__class__(), delegate.user, provider)
    assert delegate_client.get("/").context["current_provider"] == provider

    owner_client = login_as(client, authorized_user, provider)
    response = owner_client.post(deactivate_url(delegate), follow=True)
    assert "giriş yetkisi kaldırıldı" in response.content.decode()
    delegate.refresh_from_db()
    assert not delegate.is_active
    assert delegate.deactivated_by == authorized_user and delegate.deactivated_at is not None

    response = delegate_client.get(PAGE)
    assert response.status_code == 302
    assert delegate_client.get("/").context["current_provider"] is None


def test_authorized_person_cannot_be_removed_through_the_delegate_url(
    provider_client, provider, authorized_membership
):
    response = provider_client.post(deactivate_url(authorized_membership))
    assert response.status_code == 404
    authorized_membership.refresh_from_db()
    assert authorized_membership.is_active


def test_page_costs_a_constant_number_of_queries(
    provider_client, provider, django_assert_num_queries
):
    def add_rows(n):
        for _ in range(n):
            AuthorizationRequestFactory(service_provider=provider)
            MembershipFactory(
                service_provider=provider, role=Membership.Role.DELEGATE, granted_by=UserFactory()
            )

    add_rows(3)
    provider_client.get(PAGE)  # warm the session
    with CaptureQueriesContext(connection) as at_n:
        provider_client.get(PAGE)
    add_rows(3)
    with django_assert_num_queries(len(at_n)):
        response = provider_client.get(PAGE)
    assert len(response.context["open_requests"]) == 6
    assert len(response.context["delegates"]) == 6
