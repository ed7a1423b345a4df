from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents.models import ConsentEvent

from .conftest import Api, error_code, make_world, record


def _page(api, world, after, limit):
    base = f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents/changes"
    response = api.get(base, after=after, limit=limit)
    assert response.status_code == 200, response.content
    return response.json()


def test_every_change_once_in_order_across_pages_while_changes_arrive(client, db):
    world = make_world("partner_reconcile")
    api = Api(client, world.token)
    for i in range(4):
        record(world.brand, f"+90532200000{i}")
    record(world.brand, "ayse@ornek.com.tr", channel="EPOSTA")  # not granted: never served
    record(world.other_brand, "+905322000009")  # another brand: never served

    seen, after, pages = [], 0, 0
    while True:
        page = _page(api, world, after, 2)
        seen += page["list"]
        after = int(page["after"])
        pages += 1
        if pages == 2:  # changes arrive while the caller pages
            record(world.brand, "+905322000000", status="RET", date="2024-03-01 09:00:00")
            record(world.brand, "+905322000005")
        if not page["hasMore"]:
            break

    expected = list(
        ConsentEvent.objects.filter(brand=world.brand, channel__in=["MESAJ", "ARAMA"])
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert [int(c["id"]) for c in seen] == expected
    assert len(expected) == 1 + 4 + 2  # the world's own consent, four, two arriving
    ret = [c for c in seen if c["status"] == "RET"]
    assert ret[0]["previousStatus"] == "ONAY" and ret[0]["action"] == "changed"
    assert _page(api, world, after, 2) == {"list": [], "after": str(after), "hasMore": False}


def test_the_feed_costs_the_same_queries_at_n_and_2n(client, db):
    world = make_world("partner_reconcile")
    api = Api(client, world.token)
    counts = []
    for n in (5, 10):
        for i in range(n):
            record(world.brand, f"+9053230{n:02d}{i:03d}")
        with CaptureQueriesContext(connection) as queries:
            _page(api, world, 0, 1000)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_limit_out_of_range_is_refused(client, db):
    world = make_world("partner_reconcile")
    base = f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents/changes"
    response = Api(client, world.token).get(base, limit=5000)
    assert response.status_code == 422 and error_code(response) == "field_invalid"
