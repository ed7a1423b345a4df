"""Forms of the checkout: they validate shape only; services decide."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_tr_phone
from iys_portal.validators import validate_display_multiline_text

MAX_COUNT = 1_000_000_000


class SizingForm(forms.Form):
    phone_count = forms.IntegerField(
        label=_("Onaylı telefon numarası sayısı"),
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1}),
    )
    email_count = forms.IntegerField(
        label=_("Onaylı e-posta adresi sayısı"),
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1}),
    )

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
