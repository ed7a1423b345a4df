"""The card form of the payment step: shape and format only (Luhn, expiry, CVC)."""

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iys_portal.validators import validate_display_text

from ..gateways import Card

INSTALLMENT_COUNTS = (1, 2, 3, 6, 9, 12)
HOLDER_RE = re.compile(r"^[A-Za-zÇĞİÖŞÜçğıöşüÂâÎîÛû .'-]{2,60}$")


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


class SecretTextInput(forms.TextInput):
    """A text box that never writes its value back into the page (card number, CVC)."""

    def format_value(self, value):
        return None


class CardForm(forms.Form):
    holder_name = forms.CharField(
        label=_("Kart üzerindeki isim"),
        max_length=60,
        validators=[validate_display_text],
        widget=forms.TextInput(attrs={"autocomplete": "cc-name", "spellcheck": "false"}),
    )
    card_number = forms.CharField(
        label=_("Kart numarası"),
        max_length=23,
        widget=SecretTextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": "0000 0000 0000 0000",
                "data-card-number": "",
            }
        ),
    )
    expiry = forms.CharField(
        label=_("Son kullanma tarihi (AA/YY)"),
        max_length=7,
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-exp", "inputmode": "numeric", "placeholder": "AA/YY"}
        ),
    )
    cvc = forms.CharField(
        label=_("Güvenlik kodu (CVC)"),
        max_length=4,
        widget=SecretTextInput(
            attrs={"autocomplete": "cc-csc", "inputmode": "numeric", "placeholder": "000"}
        ),
    )
    installment = forms.TypedChoiceField(
        label=_("Taksit"),
        coerce=int,
        choices=[(n, n) for n in INSTALLMENT_COUNTS],
        initial=1,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Geçerli bir taksit seçeneği seçiniz.")},
    )

    def clean_holder_name(self) -> str:
        name = " ".join(self.cleaned_data["holder_name"].split())
        if not HOLDER_RE.match(name):
            raise forms.ValidationError(_("Kart üzerindeki ismi harflerle yazınız."))
        return name

    def clean_card_number(self) -> str:
        number = re.sub(r"[\s-]", "", self.cleaned_data["card_number"])
        if not number.isdigit() or not 15 <= len(number) <= 19 or not luhn_valid(number):
            raise forms.ValidationError(_("Kart numarası geçersiz; lütfen kontrol ediniz."))
        return number

    def clean_expiry(self) -> tuple[str, str]:
        match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", self.cleaned_data["expiry"])
        if not match:
            raise forms.ValidationError(_("Son kullanma tarihini AA/YY biçiminde yazınız."))
        month, year = int(match.group(1)), int(match.group(2))
        year = year + 2000 if year < 100 else year
        if not 1 <= month <= 12:
            raise forms.ValidationError(_("Son kullanma ayı 01 ile 12 arasında olmalıdır."))
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise forms.ValidationError(_("Kartınızın son kullanma tarihi geçmiş."))
        if date(year, month, 1) > date(today.year + 20, 12, 1):
            raise forms.ValidationError(_("Son kullanma tarihi geçersiz."))
        return f"{month:02d}", str(year)

    def clean_cvc(self) -> str:
        cvc = self.cleaned_data["cvc"].strip()
        if not cvc.isdigit() or len(cvc) not in (3, 4):
            raise forms.ValidationError(_("Güvenlik kodu 3 ya da 4 rakamdır."))
        return cvc

    def card(self) -> Card:
        month, year = self.cleaned_data["expiry"]
        return Card(
            holder_name=self.cleaned_data["holder_name"],
            number=self.cleaned_data["card_number"],
            expire_month=month,
            expire_year=year,
            cvc=self.cleaned_data["cvc"],
        )


class BinForm(forms.Form):
    bin = forms.RegexField(regex=r"^\d{6,8}$")
