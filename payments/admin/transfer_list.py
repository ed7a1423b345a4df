"""The accounting desk's list, its pieces that repeat from row to row: what every row shares
(``ListContext``), the cells formatted once per language and value (``list_cell``) and the
paginator that takes its count from the totals."""

import datetime
from functools import cache, lru_cache
from typing import NamedTuple

from django.core.paginator import Paginator
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from iys_portal.formatting import format_try
from iys_portal.reversed_urls import ReversedUrl
from packages.models import Order

from ..selectors.transfer import transfer_orders_totals

S = Order.Status

STATUS_BADGES = {
    S.AWAITING_TRANSFER: "badge-warn",
    S.PAID: "badge-ok",
    S.ACTIVE: "badge-ok",
    S.EXPIRED: "badge-error",
    S.CANCELLED: "badge-error",
}


class TotalsPaginator(Paginator):
    """The list's count comes from its totals (count, amount due, amount received), one query
    for both instead of a COUNT and then the totals."""

    @cached_property
    def count(self) -> int:
        self.totals = transfer_orders_totals(self.object_list)
        return self.totals["count"]


class ListContext(NamedTuple):
    """What every row of the desk list shares."""

    language: str
    detail_url: ReversedUrl  # detail_url(order id)
    zone: datetime.tzinfo
    now: datetime.datetime

    @classmethod
    def read(cls) -> "ListContext":
        return cls(
            get_language(),
            _detail_url(get_script_prefix()),
            timezone.get_current_timezone(),
            timezone.now(),
        )


@cache
def _detail_url(script_prefix: str) -> ReversedUrl:
    return ReversedUrl("admin:payments_transferorder_detail", 1)


def _status_cell(status: str) -> str:
    label = dict(S.choices).get(status, status)
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(status, ""), label)


_CELLS = {
    "amount": lambda amount: format_html('<span class="nowrap">{}</span>', format_try(amount)),
    "date": lambda day: escape(date_format(day, "j M Y")),
    "minute": lambda moment: escape(date_format(moment, "j M Y H:i")),
    "days": lambda days: escape(_("%(days)s gün önce") % {"days": days} if days else _("bugün")),
    "status": _status_cell,
    "vkn": lambda _none: escape(_("VKN")),
    "due": lambda _none: escape(_("Son ödeme:")),
}


@lru_cache(maxsize=4096)
def list_cell(language: str, kind: str, value) -> str:
    """A list cell's piece (HTML, escaped) that depends only on the language and the value (a
    date, an amount, a status, a label): formatted once per process, not once per row."""
    return _CELLS[kind](value)
