"""Marka Yönetimi pages: access, tenant isolation, forms, query counts."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from brands.models import Brand, Grant
from tests.conftest import login_as
from tests.factories import (
    AhsFactory,
    AhsGrantFactory,
    BrandFactory,
    MembershipFactory,
    PartnerFactory,
    PartnerGrantFactory,
    SubscriptionFactory,
    UserFactory,
)
from tests.tenancy import assert_foreign_404

pytestmark = pytest.mark.django_db

INDEX = "/marka/"


@pytest.fixture
def brand(provider):
    return BrandFactory(service_provider=provider, name="Anadolu Tekstil", code=77790)


def _html(response) -> str:
    return response.content.decode()


def test_index_lists_brands_with_grants_and_the_grid(provider_client, provider, brand):
    SubscriptionFactory(service_provider=provider)
    PartnerGrantFactory(
        brand=brand, integrator=PartnerFactory(title="Poli Telekomünikasyon"), arama=True
    )
    AhsGrantFactory(brand=brand, integrator=AhsFactory(title="Mobilişim İletişim A.Ş."))
    BrandFactory(service_provider=provider, name="Pamukkale Ev Tekstili", code=77791)
    BrandFactory(name="Başka Firmanın Markası")

    response = provider_client.get(INDEX)
    html = _html(response)
    assert response.status_code == 200
    assert "<h1>Marka Yönetimi</h1>" in html
    assert "Anadolu Tekstil" in html and "Pamukkale Ev Tekstili" in html
    assert "Marka kodu: 77790" in html
    assert "Başka Firmanın Markası" not in html
    assert "İş Ortağı Ekle" in html and "AHS Ekle" in html
    assert "Aracı hizmet sağlayıcılar" in html
    grid = html[html.index('data-testid="grant-grid"') :]
    cell = grid[grid.index('data-testid="grid-77790-MESAJ"') :]
    cell = cell[: cell.index("</td>")]
    assert "Yazma: Poli Telekomünikasyon" in cell
    assert "Kontrol: Mobilişim İletişim A.Ş." in cell
    eposta = grid[grid.index('data-testid="grid-77790-EPOSTA"') :]
    assert "—" in eposta[: eposta.index("</td>")]


def test_index_without_package_shows_partner_grants_suspended(provider_client, brand):
    PartnerGrantFactory(brand=brand, integrator=PartnerFactory(title="Poli"))
    AhsGrantFactory(brand=brand, integrator=AhsFactory(title="Mobilişim"))
    html = _html(provider_client.get(INDEX))
    notice = html[html.index('data-testid="no-package"') :]
    notice = notice[: notice.index("</div>")]
    assert "Aktif bir İLETİ paketiniz yok" in notice
    assert f'<a href="{reverse("packages:manage")}">Paket Yönetimi</a>' in notice
    assert html.count("Askıda: aktif paket yok") == 1  # the partner; the AHS stays active
    assert 'data-testid="grant-status">Aktif<' in html.replace("\n", "").replace("  ", "")


def _make_brands_with_grants(provider, n):
    partner, sms, mail = PartnerFactory(), AhsFactory(), AhsFactory()
    for _ in range(n):
        brand = BrandFactory(service_provider=provider)
        PartnerGrantFactory(brand=brand, integrator=partner, arama=True)
        AhsGrantFactory(brand=brand, integrator=sms)
        AhsGrantFactory(brand=brand, integrator=mail, eposta=True)
        revoked = AhsGrantFactory(brand=brand, integrator=AhsFactory())
        revoked.revoked_at, revoked.revoked_by, revoked.end_reason = (
            revoked.granted_at,
            revoked.granted_by,
            "revoked",
        )
        revoked.save()


def test_index_query_count_is_constant(
    provider_client, provider, django_assert_num_queries, django_assert_max_num_queries
):
    SubscriptionFactory(service_provider=provider)
    _make_brands_with_grants(provider, 3)
    provider_client.get(INDEX)  # warm the session (idle stamp) so both runs do the same
    # session, user, memberships, package, brands, grants, API usage per grant x2
    with django_assert_max_num_queries(8) as captured:
        first = provider_client.get(INDEX)
    count = len(captured.captured_queries)
    assert _html(first).count('class="card brand-card"') == 3

    _make_brands_with_grants(provider, 3)
    with django_assert_num_queries(count):
        second = provider_client.get(INDEX)
    assert _html(second).count('class="card brand-card"') == 6
    assert _html(second).count('data-testid="ahs-grant"') == 12


def test_delegate_with_brand_role_can_add_rename_grant_and_revoke(delegate_client, provider):
    SubscriptionFactory(service_provider=provider)
    Membership.objects.filter(service_provider=provider, role="delegate").update(
        roles=["view", "brands"]
    )
    response = delegate_client.post(reverse("brands:brand_add"), {"name": "Yeni Marka"})
    assert response.status_code == 302
    brand = Brand.objects.get(service_provider=provider, name="Yeni Marka")
    delegate = Membership.objects.get(service_provider=provider, role="delegate").user
    assert brand.created_by == delegate

    delegate_client.post(reverse("brands:brand_rename", args=[brand.pk]), {"name": "Yeni Ad"})
    brand.refresh_from_db()
    assert brand.name == "Yeni Ad"

    partner = PartnerFactory()
    delegate_client.post(
        reverse("brands:partner_add", args=[brand.pk]),
        {"integrator": partner.pk, "channels": ["MESAJ", "EPOSTA"]},
    )
    grant = Grant.objects.get(brand=brand)
    assert (grant.integrator, grant.channels, grant.granted_by) == (
        partner,
        ["MESAJ", "EPOSTA"],
        delegate,
    )
    delegate_client.post(
        reverse("brands:grant_revoke", args=[brand.pk, grant.pk]),
        {"channels": ["MESAJ", "EPOSTA"]},
    )
    grant.refresh_from_db()
    assert grant.revoked_by == delegate


def test_anonymous_is_sent_to_login(client, brand):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_person_without_membership_cannot_manage_brands(client, provider, brand):
    outsider = UserFactory()
    login_as(client, outsider, provider)  # a stale or forged company choice in the session
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:choose_provider")
    client.post(reverse("brands:brand_add"), {"name": "Sızma"})
    client.post(
        reverse("brands:ahs_add", args=[brand.pk]),
        {"integrator": AhsFactory().pk, "channels": ["MESAJ"]},
    )
    assert not Brand.objects.filter(name="Sızma").exists()
    assert not Grant.objects.exists()


def test_deactivated_delegate_loses_access(client, provider, brand):
    membership = MembershipFactory(service_provider=provider, role="delegate", is_active=False)
    login_as(client, membership.user, provider)
    assert client.get(reverse("brands:history", args=[brand.pk])).status_code == 302


def test_every_brand_and_grant_url_is_404_for_another_company(foreign_client, brand):
    SubscriptionFactory(service_provider=brand.service_provider)
    grant = AhsGrantFactory(brand=brand)
    partner_grant = PartnerGrantFactory(brand=brand)
    ahs, partner = AhsFactory(), PartnerFactory()
    for name, args in [
        ("brands:brand_rename", [brand.pk]),
        ("brands:partner_add", [brand.pk]),
        ("brands:ahs_add", [brand.pk]),
        ("brands:history", [brand.pk]),
        ("brands:grant_revoke", [brand.pk, grant.pk]),
        ("brands:grant_revoke", [brand.pk, partner_grant.pk]),
    ]:
        assert_foreign_404(foreign_client, reverse(name, args=args))
    assert_foreign_404(
        foreign_client,
        reverse("brands:brand_rename", args=[brand.pk]),
        method="post",
        data={"name": "Ele geçirildi"},
    )
    assert_foreign_404(
        foreign_client,
        reverse("brands:partner_add", args=[brand.pk]),
        method="post",
        data={"integrator": partner.pk, "channels": ["MESAJ"]},
    )
    assert_foreign_404(
        foreign_client,
        reverse("brands:ahs_add", args=[brand.pk]),
        method="post",
        data={"integrator": ahs.pk, "channels": ["MESAJ"]},
    )
    assert_foreign_404(
        foreign_client, reverse("brands:grant_revoke", args=[brand.pk, grant.pk]), method="post"
    )
    brand.refresh_from_db()
    assert brand.name == "Anadolu Tekstil"
    assert Grant.objects.filter(revoked_at__isnull=True).count() == 2
    assert Grant.objects.count() == 2
    assert "Anadolu Tekstil" not in _html(foreign_client.get(INDEX))


def test_grant_url_under_another_of_my_brands_is_404(provider_client, provider, brand):
    grant = AhsGrantFactory(brand=brand)
    other = BrandFactory(service_provider=provider)
    url = reverse("brands:grant_revoke", args=[other.pk, grant.pk])
    assert provider_client.post(url).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_partner_page_without_package_explains_and_links_to_paket_yonetimi(provider_client, brand):
    partner = PartnerFactory()
    page = _html(provider_client.get(reverse("brands:partner_add", args=[brand.pk])))
    assert "İş ortağı yetkilendirmesi için aktif bir İLETİ paketiniz olmalıdır." in page
    notice = page[page.index('data-testid="no-package"') :]
    notice = notice[: notice.index("</div>")]
    assert f'<a href="{reverse("packages:manage")}">Paket Yönetimi</a>' in notice
    response = provider_client.post(
        reverse("brands:partner_add", args=[brand.pk]),
        {"integrator": partner.pk, "channels": ["MESAJ"]},
    )
    assert response.status_code == 200
    assert "aktif bir İLETİ paketiniz olmalıdır" in _html(response)
    assert not Grant.objects.exists()


def test_partner_page_lists_only_active_partners(provider_client, provider, brand):
    SubscriptionFactory(service_provider=provider)
    PartnerFactory(title="Poli Telekomünikasyon İletişim")
    PartnerFactory(title="Kapanmış Bilişim", is_active=False)
    AhsFactory(title="Mobilişim İletişim A.Ş.")
    page = _html(provider_client.get(reverse("brands:partner_add", args=[brand.pk])))
    assert "Poli Telekomünikasyon İletişim" in page
    assert "Kapanmış Bilişim" not in page
    assert "Mobilişim" not in page
    assert "her marka için farklı iş ortağı yetkilendirmesi yapabilirsiniz" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"channels": ["MESAJ"]}, "Bir iş ortağı seçiniz."),
        ({"integrator": "abc", "channels": ["MESAJ"]}, "Geçerli bir iş ortağı seçiniz."),
        ({"integrator": "ahs", "channels": ["MESAJ"]}, "Geçerli bir iş ortağı seçiniz."),
        ({"integrator": "partner"}, "En az bir kanal seçiniz."),
        ({"integrator": "partner", "channels": ["SMS"]}, "Geçersiz kanal seçimi."),
    ],
)
def test_tampered_partner_form_is_refused_with_a_message(
    provider_client, provider, brand, data, message
):
    SubscriptionFactory(service_provider=provider)
    ids = {"ahs": AhsFactory().pk, "partner": PartnerFactory().pk}
    if data.get("integrator") in ids:
        data = {**data, "integrator": ids[data["integrator"]]}
    response = provider_client.post(reverse("brands:partner_add", args=[brand.pk]), data)
    assert response.status_code == 200
    assert message in _html(response)
    assert not Grant.objects.exists()


def test_replacing_the_partner_through_the_page(provider_client, provider, brand):
    SubscriptionFactory(service_provider=provider)
    old = PartnerGrantFactory(brand=brand, integrator=PartnerFactory(title="Eski Ortak"))
    page = _html(provider_client.get(reverse("brands:partner_add", args=[brand.pk])))
    assert "Bu markanın şu anki iş ortağı Eski Ortak (MESAJ)" in page
    new_partner = PartnerFactory(title="Yeni Ortak")
    response = provider_client.post(
        reverse("brands:partner_add", args=[brand.pk]),
        {"integrator": new_partner.pk, "channels": ["ARAMA"], "reconciliation": "on"},
        follow=True,
    )
    assert "Yeni Ortak, «Anadolu Tekstil» markası için ARAMA kanalında yetkilendirildi." in _html(
        response
    )
    old.refresh_from_db()
    assert old.end_reason == "replaced"
    live = Grant.objects.get(brand=brand, revoked_at__isnull=True)
    assert (live.integrator, live.can_reconcile) == (new_partner, True)


def test_the_owner_chooses_a_read_only_partner_on_the_page(provider_client, provider, brand):
    SubscriptionFactory(service_provider=provider)
    partner = PartnerFactory(title="Okuyan Ortak")
    page = _html(provider_client.get(reverse("brands:partner_add", args=[brand.pk])))
    assert "Yalnızca okuma yetkisi ver" in page
    response = provider_client.post(
        reverse("brands:partner_add", args=[brand.pk]),
        {"integrator": partner.pk, "channels": ["MESAJ"], "read_only": "on"},
    )
    assert response.status_code == 302
    grant = Grant.objects.get(brand=brand)
    assert (grant.integrator, grant.can_read, grant.can_write) == (partner, True, False)
    html = _html(provider_client.get(INDEX))
    cell = html[html.index('data-testid="grid-77790-MESAJ"') :]
    assert "Okuma: Okuyan Ortak" in cell[: cell.index("</td>")]
    history = _html(provider_client.get(reverse("brands:history", args=[brand.pk])))
    assert "MESAJ — yalnızca okuma" in history


def test_ahs_page_explains_the_limits_and_saves_mesaj_only(provider_client, brand):
    ahs = AhsFactory(title="Mobilişim İletişim A.Ş.")
    PartnerFactory(title="Poli")
    page = _html(provider_client.get(reverse("brands:ahs_add", args=[brand.pk])))
    for text in [
        "sizin adınıza İYS’ye veri aktarımı yapamaz",
        "izinlerinizi toplu olarak göremez",
        "izin durumlarında değişiklik yapamaz",
        "yalnızca gönderim öncesi iznin olup olmadığının kontrolünü yapabilir",
        "yalnızca okuma yetkisine sahiptir",
        "yalnızca SMS gönderimine aracılık eden bir mobil operatör",
    ]:
        assert text in page, text
    assert "Poli" not in page
    response = provider_client.post(
        reverse("brands:ahs_add", args=[brand.pk]), {"integrator": ahs.pk, "channels": ["MESAJ"]}
    )
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert (grant.integrator, grant.channels, grant.can_write) == (ahs, ["MESAJ"], False)


def test_ahs_form_refuses_a_partner_id(provider_client, brand):
    response = provider_client.post(
        reverse("brands:ahs_add", args=[brand.pk]),
        {"integrator": PartnerFactory().pk, "channels": ["MESAJ"]},
    )
    assert "Geçerli bir aracı hizmet sağlayıcı seçiniz." in _html(response)
    assert not Grant.objects.exists()


def test_revoke_asks_for_confirmation_first(provider_client, brand):
    grant = AhsGrantFactory(brand=brand, integrator=AhsFactory(title="Mobilişim"))
    url = reverse("brands:grant_revoke", args=[brand.pk, grant.pk])
    page = _html(provider_client.get(url))
    assert "Mobilişim firmasının «Anadolu Tekstil» markasındaki MESAJ yetkisini kaldırmak" in page
    grant.refresh_from_db()
    assert grant.revoked_at is None
    response = provider_client.post(url, {"channels": ["MESAJ"]}, follow=True)
    assert "Mobilişim için «Anadolu Tekstil» markasındaki MESAJ yetkisi kaldırıldı." in _html(
        response
    )
    grant.refresh_from_db()
    assert grant.end_reason == "revoked"
    again = _html(provider_client.get(url))
    assert "Bu yetki" in again and "kaldırılmış" in again


def test_history_shows_who_did_what_and_when(provider_client, provider, authorized_user, brand):
    SubscriptionFactory(service_provider=provider)
    authorized_user.first_name, authorized_user.last_name = "Ayşe", "Yılmaz"
    authorized_user.save()
    partner = PartnerFactory(title="Poli")
    provider_client.post(
        reverse("brands:partner_add", args=[brand.pk]),
        {"integrator": partner.pk, "channels": ["MESAJ"]},
    )
    grant = Grant.objects.get()
    provider_client.post(
        reverse("brands:grant_revoke", args=[brand.pk, grant.pk]), {"channels": ["MESAJ"]}
    )
    page = _html(provider_client.get(reverse("brands:history", args=[brand.pk])))
    table = page[page.index('data-testid="history"') :]
    assert table.index("Yetki kaldırıldı") < table.index("Yetki verildi")
    assert table.count("Ayşe Yılmaz") == 2
    assert "Poli" in table and "MESAJ — okuma + yazma" in table


def test_brand_add_refuses_a_duplicate_and_an_empty_name(provider_client, brand):
    response = provider_client.post(reverse("brands:brand_add"), {"name": "ANADOLU TEKSTİL"})
    assert "«Anadolu Tekstil» adında bir markanız zaten var." in _html(response)
    response = provider_client.post(reverse("brands:brand_add"), {"name": ""})
    assert "Marka adını yazınız." in _html(response)
    assert Brand.objects.count() == 1


def _grant_and_end(brand, n):
    for _ in range(n):
        grant = AhsGrantFactory(brand=brand, integrator=AhsFactory(), granted_by=UserFactory())
        grant.revoked_at, grant.revoked_by, grant.end_reason = (
            grant.granted_at,
            UserFactory(),
            "revoked",
        )
        grant.save()


def test_history_query_count_is_constant(provider_client, brand, django_assert_num_queries):
    url = reverse("brands:history", args=[brand.pk])
    PartnerGrantFactory(brand=brand)
    _grant_and_end(brand, 3)
    provider_client.get(url)
    with django_assert_num_queries(5) as captured:  # session, user, memberships, brand, grants
        first = provider_client.get(url)
    assert _html(first).count("Yetki kaldırıldı") == 3
    _grant_and_end(brand, 3)
    with django_assert_num_queries(len(captured.captured_queries)):
        second = provider_client.get(url)
    assert _html(second).count("Yetki kaldırıldı") == 6


def test_a_viewer_sees_brands_without_the_buttons_and_is_refused_anyway(delegate_client, provider):
    brand = BrandFactory(service_provider=provider)
    page = _html(delegate_client.get(INDEX))
    assert brand.name in page and 'data-testid="brands-read-only"' in page
    assert reverse("brands:partner_add", args=[brand.pk]) not in page
    assert reverse("brands:brand_add") not in page
    response = delegate_client.get(reverse("brands:partner_add", args=[brand.pk]))
    assert response.status_code == 403
    assert "«Marka yönetimi» rolü gerekir" in response.content.decode()


# The grid's cells as brands/index.html wrote them before the view took them over.
_GRID_CELLS_TEMPLATE = (
    '{% load i18n %}{% translate "Yazma" as t_write %}{% translate "Okuma" as t_read %}'
    '{% translate "Kontrol" as t_check %}'
    '{% translate "askıda" as t_suspended_short %}\n'
    "{% for row in overview.rows %}<tr>{% for cell in row.cells %}"
    '<td data-label="{{ cell.channel }}" '
    "data-testid=\"grid-{{ row.brand.code|stringformat:'d' }}-{{ cell.channel }}\">"
    "{% if cell.writer %}<div>{% if cell.writer.can_write %}{{ t_write }}{% else %}"
    "{{ t_read }}{% endif %}: {{ cell.writer.integrator.title }}"
    "{% if cell.writer.is_suspended %} "
    '<span class="badge badge-warn">{{ t_suspended_short }}</span>{% endif %}</div>'
    "{% endif %}"
    "{% if cell.checkers %}<div>{{ t_check }}: {% for grant in cell.checkers %}"
    "{{ grant.integrator.title }}{% if not forloop.last %}, {% endif %}{% endfor %}</div>"
    "{% endif %}"
    '{% if not cell.writer and not cell.checkers %}<span class="muted">—</span>{% endif %}'
    "</td>{% endfor %}</tr>{% endfor %}"
)


@pytest.mark.parametrize("package", [True, False])
def test_grid_cells_are_the_html_the_template_wrote(provider_client, provider, package):
    """Writer, suspended writer (no package), several checkers, names to escape, empty cells."""
    from django.template import engines
    from django.test.html import parse_html

    if package:
        SubscriptionFactory(service_provider=provider)
    first = BrandFactory(service_provider=provider, name="Anadolu <Tekstil>", code=77790)
    BrandFactory(service_provider=provider, name="Boş Marka", code=77791)
    reading = BrandFactory(service_provider=provider, name="Okunan", code=77792)
    PartnerGrantFactory(
        brand=first, integrator=PartnerFactory(title="Poli & Telekom <b>"), arama=True
    )
    PartnerGrantFactory(brand=reading, integrator=PartnerFactory(title="Okur"), can_write=False)
    AhsGrantFactory(brand=first, integrator=AhsFactory(title='Mobilişim "İletişim"'))
    AhsGrantFactory(brand=first, integrator=AhsFactory(title="Ahs İki"), eposta=False)
    response = provider_client.get(INDEX)
    overview = response.context["overview"]
    html = _html(response)
    tbody = html[html.index("<tbody>") + len("<tbody>") : html.index("</tbody>")]
    page_cells = "".join(part.split("</th>", 1)[1] for part in tbody.split("<tr>")[1:]).replace(
        "</tr>", ""
    )
    old = engines["django"].from_string(_GRID_CELLS_TEMPLATE).render({"overview": overview})
    old_cells = old.split("\n", 1)[1].replace("<tr>", "").replace("</tr>", "")
    assert parse_html(page_cells) == parse_html(old_cells)
    assert "Poli &amp; Telekom &lt;b&gt;" in page_cells
    assert page_cells.count("<td ") == 9
    assert "Okuma: Okur" in page_cells


def _template_before(name: str):
    """A template the brand page used before its view wrote that HTML (kept in tests/brands)."""
    from pathlib import Path

    from django.template import engines

    return engines["django"].from_string((Path(__file__).parent / name).read_text())


def _labels_before() -> dict[str, str]:
    """The labels brands/index.html translated for the templates above (t_…)."""
    from django.utils.translation import gettext

    msgids = {
        "t_read_write": "okuma + yazma",
        "t_partner_read_only": "yalnızca okuma",
        "t_reconcile": "mutabakat",
        "t_read_only": "yalnızca okuma (gönderim öncesi kontrol)",
        "t_suspended": "Askıda: aktif paket yok",
        "t_active": "Aktif",
        "t_api_usage": "API kullanımı",
        "t_last_call": "son çağrı",
        "t_no_call": "henüz çağrı yok",
        "t_today": "bugün",
        "t_30_days": "son 30 gün",
        "t_access_log": "Erişim kaydını indir (CSV)",
    }
    return {key: gettext(msgid) for key, msgid in msgids.items()}


def _squeeze(html) -> str:
    """The HTML with each run of whitespace as one space."""
    import re

    return re.sub(r"\s+", " ", str(html)).strip()


@pytest.mark.parametrize("package", [True, False])
def test_grant_summaries_are_the_html_the_template_wrote(provider_client, provider, package):
    """Each grant's summary (partner with and without reconciliation, AHS, suspended, names to
    escape) is what brands/_grant_summary.html wrote (kept as tests/brands/
    grant_summary_before.html), whitespace runs aside."""
    if package:
        SubscriptionFactory(service_provider=provider)
    first = BrandFactory(service_provider=provider, name="Anadolu", code=77790)
    second = BrandFactory(service_provider=provider, name="İkinci", code=77791)
    PartnerGrantFactory(brand=first, integrator=PartnerFactory(title="Poli & <b>"), arama=True)
    PartnerGrantFactory(
        brand=second, integrator=PartnerFactory(title="Mutabık"), can_reconcile=True
    )
    third = BrandFactory(service_provider=provider, name="Üçüncü", code=77792)
    PartnerGrantFactory(brand=third, integrator=PartnerFactory(title="Okur"), can_write=False)
    AhsGrantFactory(brand=first, integrator=AhsFactory(title='Mobilişim "İletişim"'))
    response = provider_client.get(INDEX)
    before = _template_before("grant_summary_before.html")
    labels = _labels_before()
    grants = [g for row in response.context["overview"].rows for g in [row.partner, *row.ahs] if g]
    assert len(grants) == 4
    assert any("yalnızca okuma" in str(g.summary_html) for g in grants if g.is_partner)

    for grant in grants:
        assert _squeeze(grant.summary_html) == _squeeze(before.render({"grant": grant, **labels}))
        assert str(grant.summary_html) in _html(response)
    assert "Poli &amp; &lt;b&gt;" in _html(response)
    assert ("badge-warn" in str(grants[0].summary_html)) is not package


@pytest.mark.parametrize("used", [True, False])
def test_grant_usage_is_the_html_the_template_wrote(provider_client, provider, used):
    """A grant's API use (last call or none, thousands, per endpoint) is what
    integration/_grant_usage.html wrote (kept as tests/brands/grant_usage_before.html),
    whitespace runs aside; the page shows it."""
    from django.utils import timezone

    from integration.selectors import Usage

    SubscriptionFactory(service_provider=provider)
    brand = BrandFactory(service_provider=provider, name="Anadolu", code=77790)
    PartnerGrantFactory(brand=brand, integrator=PartnerFactory(title="Poli"), arama=True)
    response = provider_client.get(INDEX)
    grant = response.context["overview"].rows[0].partner
    assert str(grant.usage_html) in _html(response)

    from brands.views import _grant_usage

    if used:
        grant.api_usage = Usage(
            last_used=timezone.now(),
            today=1234,
            month=56789,
            by_endpoint={"consents": (1000, 50000), "<x>": (234, 6789)},
        )
    before = _template_before("grant_usage_before.html")
    labels = _labels_before()

    old = before.render({"grant": grant, **labels})
    new = _grant_usage(grant, labels={key[2:]: text for key, text in labels.items()})
    assert _squeeze(new) == _squeeze(old)
    if used:
        assert "56.789" in str(new) and "&lt;x&gt;: 6.789" in str(new)
