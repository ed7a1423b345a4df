"""Admin pieces shared by every app."""

import datetime
from functools import lru_cache

from django.conf import settings
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


class ReadOnlyAdminMixin:
    """Staff may look but not add, change or delete: the rows change only through services
    (with who and when). Works for a ModelAdmin and an inline alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeskRowsMixin:
    """A staff desk's changelist whose rows are rendered by one call per row (``desk_row``)
    instead of the admin's per-cell machinery (``items_for_result``: a field lookup, a display
    conversion and a template fragment for every cell). The markup is the admin's own, cell for
    cell (tests compare both); the headers, sorting, filters, search and pagination are the
    admin's. The desk's change_list template calls ``{% desk_result_list cl %}``.

    The default ``desk_row`` handles columns that are ModelAdmin methods and no row links
    (``list_display_links = None``); a desk with other columns overrides it. With actions,
    list_editable or in a popup the admin renders the rows itself.
    """

    def desk_row(self, obj, cl, *shared) -> str:
        """The row's cells; ``shared`` (what every row shares), if given, goes to each column."""
        cells = []
        empty = None
        for name in self.list_display:
            value = getattr(self, name)(obj, *shared)
            if value is None:
                empty = empty if empty is not None else self.get_empty_value_display()
                value = empty
            elif isinstance(value, str) and not value.strip():
                value = ""
            cells.append(f'<td class="field-{name}">{conditional_escape(value)}</td>')
        return mark_safe("".join(cells))  # noqa: S308 (every value escaped above)


# Format characters (django.utils.dateformat) of the date, of the time to the minute, and those
# that need more (seconds, time zone, the whole moment): formatted in full, never split.
_DATE_CHARS = frozenset("bdDEFjlLmMnNoStwWyYz")
_TIME_CHARS = frozenset("aAfgGhHiP")
_WHOLE_CHARS = frozenset("BcIeOrsTuUvZ\\")


def datetime_cell(value, language: str | None = None, zone=None) -> str:
    """The admin's text for a date-time field (``formats.localize`` of the local time),
    HTML-escaped. A list repeats dates and minutes: the date part and the hour:minute part are
    each formatted once per language and value, unless the format needs more. A desk passes
    the request's ``language`` and time ``zone`` (read once per list, not twice a cell)."""
    if zone is None or not settings.USE_TZ or timezone.is_naive(value):
        moment = timezone.template_localtime(value)
    else:
        moment = value.astimezone(zone)  # what template_localtime does, the zone read once
    language = language or get_language()
    split = _split_format(language, formats.get_format("DATETIME_FORMAT", lang=language))
    if split is None:
        return escape(formats.localize(moment))
    date_format, time_format = split
    return _date_part(language, date_format, moment.date()) + _time_part(
        language, time_format, moment.hour, moment.minute
    )


@lru_cache(maxsize=16)
def _split_format(language: str, text: str) -> tuple[str, str] | None:
    if _WHOLE_CHARS & set(text):
        return None
    first_time = next((i for i, c in enumerate(text) if c in _TIME_CHARS), len(text))
    date_part, time_part = text[:first_time], text[first_time:]
    if _TIME_CHARS & set(date_part) or _DATE_CHARS & set(time_part):
        return None
    return date_part, time_part


@lru_cache(maxsize=2048)
def _date_part(language: str, text: str, day: datetime.date) -> str:
    return escape(dateformat.format(day, text))


@lru_cache(maxsize=4096)
def _time_part(language: str, text: str, hour: int, minute: int) -> str:
    return escape(dateformat.time_format(datetime.time(hour, minute), text))
