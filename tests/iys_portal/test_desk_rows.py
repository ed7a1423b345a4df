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
