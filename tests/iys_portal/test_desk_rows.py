"""The desks' date-time cells: the admin's own text (``formats.localize`` of the local time),
formatted a part at a time."""

import datetime

import pytest
from django.utils import formats, timezone, translation
from django.utils.html import escape

from iys_portal.admin import datetime_cell


@pytest.mark.parametrize("language", ["tr", "en"])
def test_datetime_cell_is_the_admins_text(language):
    start = timezone.make_aware(datetime.datetime(2026, 1, 1, 0, 0, 7))
    with translation.override(language):
        for hours in range(0, 24 * 400, 7):
            value = start + datetime.timedelta(hours=hours, minutes=hours % 60)
            expected = formats.localize(timezone.template_localtime(value))
            assert datetime_cell(value) == escape(expected)


@pytest.mark.parametrize("language", ["tr", "en"])
def test_datetime_cell_with_the_lists_language_and_zone_is_the_same(language):
    """A desk passes the language and the zone it read once: the same text."""
    start = timezone.make_aware(datetime.datetime(2026, 3, 28, 20, 0, 7))
    with translation.override(language):
        zone = timezone.get_current_timezone()
        for hours in range(0, 24 * 60, 5):
            value = start + datetime.timedelta(hours=hours, minutes=hours % 60)
            assert datetime_cell(value, language, zone) == datetime_cell(value)
