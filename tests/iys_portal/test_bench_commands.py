"""The benchmark's data generator and query counter keep working as the models change."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Membership, ServiceProvider


@pytest.mark.django_db
def test_bench_data_and_query_counts():
    out = StringIO()
    call_command("bench_data", "--providers", "6", "--json", stdout=out)
    fixtures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert ServiceProvider.objects.count() == 6
    assert Membership.objects.filter(role="authorized").count() == 6
    names = [t["name"] for t in fixtures["targets"]]
    assert not any(n.startswith("Baseline") for n in names)  # mounted only for bench/run.py
    assert set(names) == {
        "Ana sayfa (anonim)",
        "Ana sayfa (firma)",
        "Paket Yönetimi",
        "Paket satın alma + boyutlandırma",
        "Boyutlandırma yardımcısı (htmx yanıtı)",
        "Marka Yönetimi (20 marka)",
        "Temel Hizmetler: izin listesi",
        "Temel Hizmetler: İzin Sorgula",
        "Entegrasyon: API belgeleri (anonim)",
        "Entegrasyon: OpenAPI şeması (anonim)",
        "Muhasebe: bekleyen havaleler",
        "Destek: yetkilendirme talepleri (admin)",
        "Kart taksit sorgusu (iyzico ikizi, HTTPS)",
    }
    assert set(fixtures["cookies"]) == {"portal", "staff", "support", "card"}

    again = StringIO()
    call_command("bench_data", "--providers", "6", "--json", stdout=again)
    assert ServiceProvider.objects.count() == 6  # same size: nothing new

    counts = StringIO()
    call_command("bench_queries", stdout=counts)
    measured = json.loads(counts.getvalue().strip().splitlines()[-1])
    assert measured["Ana sayfa (firma)"] >= 3  # session, user, membership at least
    assert measured["Ana sayfa (anonim)"] == 0
    assert set(measured) == set(names)  # every page answered 200 to its user
