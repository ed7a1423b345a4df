"""Forms of the checkout: they validate shape only; services decide."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_tr_phone
from iys_portal.formatting import format_count, parse_count
from iys_portal.validators import validate_display_multiline_text

MAX_COUNT = 1_000_000_000


class CountField(forms.Field):
    """A count typed the Turkish way («150.000», «150 000») or plain («150000»); shown back
    with separators. A text input: a number input would read «150.000» as 150."""

    widget = forms.TextInput

    def __init__(self, *, max_value: int = MAX_COUNT, **kwargs):
        self.max_value = max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        return parse_count(value, max_value=self.max_value)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_count(value)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs


class SizingForm(forms.Form):
    phone_count = CountField(label=_("Onaylı telefon numarası sayısı"), required=False)
    email_count = CountField(label=_("Onaylı e-posta adresi sayısı"), required=False)

    def counts(self) -> tuple[int, int]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("phone_count") or 0, data.get("email_count") or 0


class PackageChoiceForm(SizingForm):
    """«Paket Seçimi»: only the package id and the counts travel; prices never do."""

    package = forms.IntegerField(min_value=1, error_messages={"required": _("Bir paket seçiniz.")})
    order_code = forms.CharField(max_length=16, required=False)


class ContractForm(forms.Form):
    contract_version = forms.IntegerField(min_value=1)
    accept = forms.BooleanField(
        label=_("Sözleşmeyi okudum ve onaylıyorum."),
        error_messages={"required": _("Devam etmek için sözleşmeyi onaylamanız gerekir.")},
    )


class QuoteRequestForm(SizingForm):
    contact_email = forms.EmailField(label=_("İletişim e-postası"))
    contact_phone = forms.CharField(label=_("İletişim telefonu"), max_length=20, required=False)
    note = forms.CharField(
        label=_("Açıklama"),
        max_length=2000,
        required=False,
        validators=[validate_display_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "").strip()
        if not value:
            return ""
        phone = normalize_tr_phone(value)
        if not re.fullmatch(r"\+90[2-5]\d{9}", phone):
            raise ValidationError(_("Geçerli bir telefon numarası giriniz (ör. 0212 555 01 01)."))
        return phone


class QuoteOfferForm(forms.Form):
    """Support's offer for an İLETİ+ request (the quote desk in the admin)."""

    net_amount = forms.DecimalField(
        label=_("Yıllık tutar (KDV hariç, ₺)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        error_messages={
            "required": _("Tutarı yazınız."),
            "invalid": _("Geçerli bir tutar giriniz (ör. 45.000,00)."),
            "min_value": _("Tutar sıfırdan büyük olmalıdır."),
            "max_digits": _("Tutar çok büyük."),
            "max_decimal_places": _("Kuruş en fazla iki hane olabilir."),
        },
    )
    valid_until = forms.DateField(
        label=_("Geçerlilik tarihi"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Geçerlilik tarihini yazınız."),
            "invalid": _("Geçerli bir tarih giriniz."),
        },
    )
    note = forms.CharField(
        label=_("Müşteriye not"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    OFFER_DAYS = 30

    @classmethod
    def initial_for(cls, quote) -> dict:
        from datetime import timedelta

        from django.utils import timezone

        return {
            "net_amount": quote.offer_net_amount,
            "valid_until": quote.offer_valid_until
            or timezone.localdate() + timedelta(days=cls.OFFER_DAYS),
            "note": quote.offer_note,
        }
