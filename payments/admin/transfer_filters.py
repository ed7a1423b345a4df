"""The accounting desk's list filters: status (opens on the waiting orders), age and the bank
the money arrived on."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from packages.models import Order

from ..models import BankAccount, BankTransfer

S = Order.Status


class TransferStatusFilter(admin.SimpleListFilter):
    """Opens on the orders still waiting: that is the desk's daily work."""

    title = gettext_lazy("durum")
    parameter_name = "durum"
    DEFAULT = "bekleyen"
    STATUSES = {
        "bekleyen": Q(status=S.AWAITING_TRANSFER),
        "suresi-doldu": Q(status=S.EXPIRED),
        "onaylandi": Q(status__in=[S.PAID, S.ACTIVE]),
        "reddedildi": Q(status__in=[S.AWAITING_PAYMENT, S.FAILED]),
        "iptal": Q(status=S.CANCELLED),
        "tumu": Q(),
    }

    def lookups(self, request, model_admin):
        return [
            ("bekleyen", _("Havale bekleniyor")),
            ("suresi-doldu", _("Süresi doldu")),
            ("onaylandi", _("Onaylandı")),
            ("reddedildi", _("Reddedildi, yeniden ödenebilir")),
            ("iptal", _("İptal edildi")),
            ("tumu", _("Tümü")),
        ]

    def value(self):
        value = super().value()
        return value if value in self.STATUSES else self.DEFAULT

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset.filter(self.STATUSES[self.value()])


class TransferAgeFilter(admin.SimpleListFilter):
    title = gettext_lazy("sipariş yaşı")
    parameter_name = "yas"

    def lookups(self, request, model_admin):
        return [
            ("0-2", _("0–2 gün")),
            ("3-7", _("3–7 gün")),
            ("7+", _("7 günden eski")),
            ("gecikmis", _("Son ödeme zamanı geçmiş")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "0-2":
            return queryset.filter(created_at__gte=now - timedelta(days=3))
        if value == "3-7":
            return queryset.filter(
                created_at__lt=now - timedelta(days=3), created_at__gte=now - timedelta(days=8)
            )
        if value == "7+":
            return queryset.filter(created_at__lt=now - timedelta(days=8))
        if value == "gecikmis":
            return queryset.filter(payment_due_at__lt=now)
        return queryset


class TransferBankFilter(admin.SimpleListFilter):
    """The account the money arrived on (known once accounting confirmed it)."""

    title = gettext_lazy("gelen banka")
    parameter_name = "banka"

    def lookups(self, request, model_admin):
        return [(str(a.pk), a.bank_name) for a in BankAccount.objects.order_by("display_order")]

    def queryset(self, request, queryset):
        if not self.value() or not self.value().isdigit():
            return queryset
        return queryset.filter(
            bank_transfers__outcome=BankTransfer.Outcome.CONFIRMED,
            bank_transfers__bank_account_id=int(self.value()),
        )
