import pytest
from django.urls import reverse

from iys_portal.reversed_urls import ReversedUrl


@pytest.mark.parametrize("brand_id", [1, 7, 12345, 10**12])
def test_same_as_reverse_with_one_id(brand_id):
    assert ReversedUrl("brands:history", 1)(brand_id) == reverse("brands:history", args=[brand_id])


def test_same_as_reverse_with_two_ids():
    revoke = ReversedUrl("brands:grant_revoke", 2)
    for brand_id, grant_id in [(1, 2), (20, 3), (99999, 123456)]:
        assert revoke(brand_id, grant_id) == reverse(
            "brands:grant_revoke", args=[brand_id, grant_id]
        )


def test_wrong_number_of_ids_is_refused():
    with pytest.raises(TypeError):
        ReversedUrl("brands:grant_revoke", 2)(1)
