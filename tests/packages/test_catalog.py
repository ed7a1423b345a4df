"""Sizing and prices: the server's numbers, in Decimal."""

from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from packages.pricing import package_price, package_sizing, promotion_free_package_ids
from tests.factories import PromotionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("phones", "emails", "address_count", "expected"),
    [
        (0, 0, 0, "ileti-5"),
        (5_000, 0, 5_000, "ileti-5"),
        (0, 5_001, 5_001, "ileti-25"),
        (25_000, 24_000, 25_000, "ileti-25"),
        (25_001, 0, 25_001, "ileti-75"),
        (75_001, 1, 75_001, "ileti-150"),
        (150_000, 200_000, 200_000, "ileti-250"),  # the guide's example
        (250_000, 250_000, 250_000, "ileti-250"),
        (250_001, 0, 250_001, "ileti-plus"),
        (3, 9_000_000, 9_000_000, "ileti-plus"),
    ],
)
def test_sizing_table(packages, phones, emails, address_count, expected):
    sizing = package_sizing(phone_count=phones, email_count=emails)
    assert sizing.address_count == address_count
    assert sizing.package.code == expected
    assert sizing.needs_quote is (expected == "ileti-plus")


def test_inactive_packages_are_not_recommended(packages):
    packages["ileti-25"].is_active = False
    packages["ileti-25"].save()
    assert package_sizing(phone_count=6000, email_count=0).package.code == "ileti-75"


def test_prices_come_from_the_catalog_in_decimal(packages):
    price = package_price(package=packages["ileti-250"])
    assert (price.net, price.vat, price.gross) == (
        Decimal("24569.17"),
        Decimal("4913.83"),
        Decimal("29483.00"),
    )
    assert package_price(package=packages["ileti-5"]).is_free


def test_promotion_makes_25_and_75_free_only_while_open(packages):
    start = timezone.now() + timezone.timedelta(days=1)
    PromotionFactory(
        packages=[packages["ileti-25"], packages["ileti-75"]],
        starts_at=start,
        ends_at=start + timezone.timedelta(days=10),
    )
    assert not package_price(package=packages["ileti-25"]).is_free
    with time_machine.travel(start + timezone.timedelta(hours=1)):
        assert promotion_free_package_ids() == {packages["ileti-25"].pk, packages["ileti-75"].pk}
        assert package_price(package=packages["ileti-75"]).gross == 0
        assert package_price(package=packages["ileti-150"]).gross == Decimal("23055.00")
    with time_machine.travel(start + timezone.timedelta(days=10)):
        assert package_price(package=packages["ileti-25"]).gross == Decimal("3000.00")


def test_catalog_read_with_promotions_follows_the_promotion_rule(packages):
    """The catalog's one query (packages with «free now») gives the same free packages as
    promotion_free_package_ids, before, during and at the end of a promotion."""
    from packages.selectors import package_list_active, package_list_active_with_promotions

    start = timezone.now() + timezone.timedelta(days=1)
    PromotionFactory(
        packages=[packages["ileti-25"], packages["ileti-75"]],
        starts_at=start,
        ends_at=start + timezone.timedelta(days=10),
    )
    for moment in (
        timezone.now(),
        start,
        start + timezone.timedelta(hours=1),
        start + timezone.timedelta(days=10),
    ):
        with time_machine.travel(moment):
            listed, free_ids = package_list_active_with_promotions()
            assert listed == package_list_active()
            assert free_ids == promotion_free_package_ids()
