"""The support desk in the admin: who may see, open the signed PDF and decide."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuthorizationRequest, Membership
from accounts.services import authorization_request_approve
from iys_portal.errors import PermissionDeniedError
from tests.accounts.conftest import make_pdf
from tests.factories import AuthorizationRequestFactory, ServiceProviderFactory, UserFactory

CHANGELIST = reverse("admin:accounts_authorizationrequest_changelist")


def change_url(r):
    return reverse("admin:accounts_authorizationrequest_change", args=[r.pk])


def pdf_url(r):
    return reverse("admin:accounts_authorizationrequest_signed_form", args=[r.pk])


def approve_url(r):
    return reverse("admin:accounts_authorizationrequest_approve", args=[r.pk])


def reject_url(r):
    return reverse("admin:accounts_authorizationrequest_reject", args=[r.pk])


def staff(group: str | None):
    user = UserFactory(is_staff=True, password="parola-123-xyz")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def support(db):
    return staff("Destek")


@pytest.fixture
def support_client(client, support):
    client.force_login(support)
    return client


@pytest.fixture
def accountant_client(client, db):
    group, _ = Group.objects.get_or_create(name="Muhasebe")
    client.force_login(staff("Muhasebe"))
    return client


def submitted(**kwargs) -> AuthorizationRequest:
    request = AuthorizationRequestFactory(**kwargs)
    request.signed_form.save("x.pdf", ContentFile(make_pdf()), save=False)
    request.signed_form_uploaded_at = timezone.now()
    request.status = AuthorizationRequest.Status.SUBMITTED
    request.save()
    return request


def test_data_migration_gives_support_group_its_permissions(db):
    group = Group.objects.get(name="Destek")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_authorizationrequest", "decide_authorizationrequest"} <= codenames
    assert "change_authorizationrequest" not in codenames
    assert "delete_authorizationrequest" not in codenames
    assert Permission.objects.filter(codename="decide_authorizationrequest").count() == 1


def test_list_filters_and_search(support_client, db):
    provider = ServiceProviderFactory(tax_number="9876543217")
    waiting = AuthorizationRequestFactory(applicant_first_name="Gülizar")
    review = submitted(service_provider=provider, applicant_last_name="Öztürkmen")

    response = support_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert waiting.number in html and review.number in html

    html = support_client.get(CHANGELIST, {"status__exact": "submitted"}).content.decode()
    assert review.number in html and waiting.number not in html

    for term in [review.number, "9876543217", review.applicant_tckn, "Öztürkmen"]:
        html = support_client.get(CHANGELIST, {"q": term}).content.decode()
        assert review.number in html, term
        assert waiting.number not in html, term


def test_support_sees_the_signed_pdf(support_client, db):
    request = submitted()
    response = support_client.get(pdf_url(request))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert pdf_url(request) in support_client.get(change_url(request)).content.decode()


def test_other_staff_and_the_public_cannot_get_the_pdf(accountant_client, client, db):
    request = submitted()
    assert accountant_client.get(pdf_url(request)).status_code == 403
    assert accountant_client.get(change_url(request)).status_code == 403
    assert accountant_client.get(CHANGELIST).status_code == 403
    assert accountant_client.post(approve_url(request)).status_code == 403
    accountant_client.logout()
    response = client.get(pdf_url(request))
    assert response.status_code == 302 and "/yonetim/login/" in response["Location"]
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.SUBMITTED


def test_portal_user_is_not_staff(provider_client, db):
    request = submitted()
    response = provider_client.get(pdf_url(request))
    assert response.status_code == 302 and "/yonetim/login/" in response["Location"]


def test_support_cannot_add_edit_or_delete(support_client, db):
    request = submitted()
    assert support_client.get(reverse("admin:accounts_authorizationrequest_add")).status_code == 403
    delete = reverse("admin:accounts_authorizationrequest_delete", args=[request.pk])
    assert support_client.post(delete, {"post": "yes"}).status_code == 403
    support_client.post(change_url(request), {"status": "approved"})
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.SUBMITTED


def test_support_approves_a_signed_request(
    support_client, support, django_capture_on_commit_callbacks
):
    request = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        response = support_client.post(approve_url(request), follow=True)
    assert "onaylandı" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.APPROVED
    assert request.decided_by == support
    assert request.decided_via == AuthorizationRequest.DecidedVia.SUPPORT
    membership = request.membership
    assert membership.role == Membership.Role.DELEGATE and membership.is_active
    assert membership.user.tckn == request.applicant_tckn
    assert membership.granted_by == support
    assert [m.to for m in mail.outbox] == [[request.applicant_email]]


def test_double_approval_by_two_clerks_approves_once(
    client, support, django_capture_on_commit_callbacks
):
    other = staff("Destek")
    request = submitted()
    for clerk in (support, other):
        client.force_login(clerk)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(approve_url(request))
    request.refresh_from_db()
    assert request.decided_by == support
    assert Membership.objects.filter(user__tckn=request.applicant_tckn).count() == 1
    assert len(mail.outbox) == 1


def test_support_cannot_approve_without_signed_form(support_client, db):
    request = AuthorizationRequestFactory()
    response = support_client.post(approve_url(request), follow=True)
    assert "İmzalı form yüklenmeden" in response.content.decode()
    request.refresh_from_db()
    assert request.is_open
    assert not Membership.objects.filter(user__tckn=request.applicant_tckn).exists()


def test_support_rejects_with_a_reason(support_client, support, django_capture_on_commit_callbacks):
    request = submitted()
    form = support_client.get(reject_url(request))
    assert form.status_code == 200 and "Ret gerekçesi" in form.content.decode()

    response = support_client.post(reject_url(request), {"reason": ""})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.is_open

    with django_capture_on_commit_callbacks(execute=True):
        support_client.post(reject_url(request), {"reason": "İmza yetkili kişiye ait değil."})
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.REJECTED
    assert request.decided_by == support and request.decided_at is not None
    (message,) = mail.outbox
    assert "İmza yetkili kişiye ait değil." in message.body

    with django_capture_on_commit_callbacks(execute=True):
        support_client.post(reject_url(request), {"reason": "Başka gerekçe"})
    request.refresh_from_db()
    assert request.rejection_reason == "İmza yetkili kişiye ait değil."
    assert len(mail.outbox) == 1


def test_approved_request_cannot_be_rejected(support_client, support):
    request = submitted()
    support_client.post(approve_url(request))
    response = support_client.post(reject_url(request), {"reason": "Vazgeçtik"}, follow=True)
    assert "daha önce onaylandı" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.APPROVED


def test_service_refuses_staff_without_the_decide_permission(db):
    request = submitted()
    viewer = staff(None)
    viewer.user_permissions.add(Permission.objects.get(codename="view_authorizationrequest"))
    with pytest.raises(PermissionDeniedError):
        authorization_request_approve(
            authorization_request_id=request.pk,
            actor=viewer,
            via=AuthorizationRequest.DecidedVia.SUPPORT,
        )
    request.refresh_from_db()
    assert request.is_open


def test_viewer_without_decide_permission_sees_no_buttons_and_is_refused(client, db):
    request = submitted()
    viewer = staff(None)
    viewer.user_permissions.add(Permission.objects.get(codename="view_authorizationrequest"))
    client.force_login(viewer)
    html = client.get(change_url(request)).content.decode()
    assert request.number in html and "Talebi onayla" not in html
    assert client.post(approve_url(request)).status_code == 403
    assert client.get(reject_url(request)).status_code == 403


def test_changelist_costs_a_constant_number_of_queries(support_client, django_assert_num_queries):
    for _ in range(3):
        submitted()
    support_client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as at_n:
        support_client.get(CHANGELIST)
    for _ in range(3):
        submitted()
    with django_assert_num_queries(len(at_n)):
        response = support_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 6


def test_rows_are_the_admins_own_markup(support_client, support):
    """The list renders a row at a time (DeskRowsMixin): cell for cell what the admin's own
    ``items_for_result`` makes of the same columns, in both languages, with the link keeping
    the list's filters."""
    from django.contrib.admin.templatetags.admin_list import items_for_result

    AuthorizationRequestFactory(applicant_first_name="Gülizar <b>")
    decided = submitted()
    authorization_request_approve(
        authorization_request_id=decided.pk,
        actor=support,
        via=AuthorizationRequest.DecidedVia.SUPPORT,
    )
    for language, query in (("tr", {}), ("en", {"status__exact": "approved", "o": "-7"})):
        support_client.cookies["django_language"] = language
        response = support_client.get(CHANGELIST, query)
        cl = response.context["cl"]
        html = response.content.decode()
        assert cl.result_list
        for request in cl.result_list:
            row = cl.model_admin.desk_row(request, cl)
            assert row == "".join(items_for_result(cl, request, None)), language
            assert f"<tr>{row}</tr>" in html
    assert "Gülizar &lt;b&gt;" in support_client.get(CHANGELIST).content.decode()
