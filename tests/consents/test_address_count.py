"""The measured address count: the gauge on Paket Yönetimi, the sizing helper starting from it,
80%/100% notices e-mailed once per crossing, and «İş Ortağı Ekle» refused when the package is
too small."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brands.services import PackageTooSmallError, partner_grant_set
from consents.models import AddressNotice
from consents.services import RecordedBy, consent_add
from tests.factories import PackageFactory, PartnerFactory, SubscriptionFactory, catalog


def phone(provider, brand, user, i, status="ONAY", day=1):
    consent_add(
        service_provider=provider,
        brand_id=brand.pk,
        recipient=f"0532 200 {i:04d}",
        channel="MESAJ",
        recipient_type="BIREYSEL",
        status=status,
        source="HS_WEB",
        consent_date=f"2024-03-{day:02d} 10:00:00",
        recorded_by=RecordedBy.portal_user(user),
    )


def email(provider, brand, user, i):
    consent_add(
        service_provider=provider,
        brand_id=brand.pk,
        recipient=f"kisi{i}@ornek.com",
        channel="EPOSTA",
        recipient_type="BIREYSEL",
        status="ONAY",
        source="HS_WEB",
        consent_date="2024-03-01 10:00:00",
        recorded_by=RecordedBy.portal_user(user),
    )


@pytest.fixture
def small_package(provider):
    package = PackageFactory(name="İLETİ-10", address_limit=10)
    return SubscriptionFactory(service_provider=provider, package=package)


def test_gauge_shows_phones_emails_and_the_larger_against_the_limit(
    provider_client, provider, brand, authorized_user, small_package
):
    for i in range(4):
        phone(provider, brand, authorized_user, i)
    for i in range(2):
        email(provider, brand, authorized_user, i)
    html = provider_client.get(reverse("packages:manage")).content.decode()
    overview = provider_client.get(reverse("packages:manage")).context["overview"]
    assert overview.gauge == [("phones", 4, 40), ("emails", 2, 20), ("total", 4, 40)]
    assert 'data-testid="address-count-total">4</strong> / 10' in html
    assert '<meter id="gauge-total" min="0" max="10"' in html and 'value="4"' in html
    assert 'data-testid="upgrade-call"' not in html


@pytest.mark.parametrize("n", [5, 10])
def test_paket_yonetimi_query_count_is_constant_in_consents(
    provider_client, provider, brand, authorized_user, small_package, n
):
    for i in range(n):
        phone(provider, brand, authorized_user, i)
    provider_client.get(reverse("packages:manage"))
    with CaptureQueriesContext(connection) as queries:
        response = provider_client.get(reverse("packages:manage"))
    assert response.context["overview"].measured.phones == n
    assert len(queries) == 8  # as tests/packages/test_views.py QUERIES_MANAGE


def test_sizing_helper_starts_from_the_measured_count(
    provider_client, provider, brand, authorized_user
):
    packages = catalog()
    for i in range(3):
        phone(provider, brand, authorized_user, i)
    response = provider_client.get(reverse("packages:purchase"))
    form = response.context["form"]
    assert form.counts() == (3, 0)
    assert response.context["sized"] and response.context["sizing"].package == packages["ileti-5"]
    html = response.content.decode()
    assert "ölçülen: 3 onaylı telefon numarası, 0 onaylı e-posta" in html


def test_crossing_80_and_100_percent_mails_once_per_crossing(
    provider, brand, authorized_user, small_package, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(7):
            phone(provider, brand, authorized_user, i)
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        phone(provider, brand, authorized_user, 7)  # 8 of 10
        phone(provider, brand, authorized_user, 7)  # the same again: no new crossing
        email(provider, brand, authorized_user, 1)  # e-mails 1: the larger is still 8
    assert len(mail.outbox) == 1
    assert "%80" in mail.outbox[0].subject and authorized_user.email in mail.outbox[0].to
    assert "İLETİ-10" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        phone(provider, brand, authorized_user, 8)
        phone(provider, brand, authorized_user, 9)  # 10 of 10
        phone(provider, brand, authorized_user, 10)  # 11 of 10: still the same crossing
    assert len(mail.outbox) == 2 and "%100" in mail.outbox[1].subject
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(4):
            phone(provider, brand, authorized_user, i, status="RET", day=2)  # 7 of 10
    assert AddressNotice.objects.filter(cleared_at__isnull=True).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        phone(provider, brand, authorized_user, 0, day=3)  # 8 again: a new crossing
    assert len(mail.outbox) == 3 and "%80" in mail.outbox[2].subject
    assert AddressNotice.objects.filter(emailed_at__isnull=False).count() == 3


def test_upgrade_call_on_paket_yonetimi(
    provider_client, provider, brand, authorized_user, small_package
):
    for i in range(9):
        phone(provider, brand, authorized_user, i)
    html = provider_client.get(reverse("packages:manage")).content.decode()
    assert 'data-testid="upgrade-call"' in html and "%80 düzeyine ulaştı" in html
    assert f'href="{reverse("packages:purchase")}">Paketinizi yükseltin' in html


def test_partner_add_is_refused_when_the_package_does_not_cover_the_count(
    provider_client, provider, brand, authorized_user
):
    packages = catalog()
    SubscriptionFactory(service_provider=provider, package=packages["ileti-5"])
    partner = PartnerFactory()
    url = reverse("brands:partner_add", args=[brand.pk])
    assert 'data-testid="package-too-small"' not in provider_client.get(url).content.decode()
    from consents.models import AddressCounter

    AddressCounter.objects.create(service_provider=provider, kind="phone", count=5001)
    html = provider_client.get(url).content.decode()
    assert (
        'data-testid="package-too-small"' in html and "İLETİ-25 paketini satın almalısınız" in html
    )
    response = provider_client.post(url, {"integrator": partner.pk, "channels": ["MESAJ"]})
    assert response.status_code == 200
    assert "İLETİ-25 paketini" in str(response.context["form"].non_field_errors())
    with pytest.raises(PackageTooSmallError):
        partner_grant_set(
            service_provider=provider,
            brand_id=brand.pk,
            integrator_id=partner.pk,
            channels=["MESAJ"],
            actor=authorized_user,
        )
    assert not brand.grants.exists()
