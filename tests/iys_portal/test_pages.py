import pytest
from django.test import override_settings
from django.urls import reverse


def test_404_page_is_turkish(client, db):
    response = client.get("/yok-boyle-bir-sayfa/")
    assert response.status_code == 404
    assert "Sayfa bulunamadı" in response.content.decode()


def test_portal_is_turkish_whatever_the_browser_prefers(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "tr"
    assert '<html lang="tr">' in response.content.decode()


def test_language_can_be_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"


def test_500_page_renders_without_database(rf):
    from iys_portal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Beklenmeyen bir hata oluştu" in response.content.decode()


@override_settings(DEBUG=False)
def test_unexpected_error_shows_500_page(client, db, monkeypatch):
    from iys_portal import views

    def broken_render(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render", broken_render)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Beklenmeyen bir hata oluştu" in response.content.decode()


def test_identifiers_are_not_grouped_like_numbers(provider_client, provider):
    provider.iys_code = 669563
    provider.save(update_fields=["iys_code"])
    page = provider_client.get(reverse("home")).content.decode()
    assert "669563" in page
    assert "669.563" not in page


def test_healthz(client, db):
    assert client.get(reverse("healthz")).content == b"ok"


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from django.apps import apps
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == {m._meta.label: m.objects.count() for m in apps.get_models()}
    assert counts["accounts.ServiceProvider"] == 2
