"""The accounting desk's forms. They check shape only (an amount, a date, an account, a
reference); whether the order may be confirmed, and for how much, is decided once, in
``payments.services.transfer``."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.validators import normalize_iban
from iys_portal.errors import ApplicationError
from iys_portal.formatting import parse_amount
from iys_portal.validators import validate_display_multiline_text, validate_display_text

from ..models import BankAccount


class BankAccountForm(forms.ModelForm):
    # Room for an IBAN typed in groups of four; the model field stores it compact.
    iban = forms.CharField(label=gettext_lazy("IBAN"), max_length=40)

    class Meta:
        model = BankAccount
        fields = ["bank_name", "branch", "account_holder", "iban", "is_active", "display_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown to customers in transfer instructions.
        for name in ("bank_name", "branch", "account_holder"):
            self.fields[name].validators.append(validate_display_text)

    def clean_iban(self) -> str:
        return normalize_iban(self.cleaned_data["iban"])


class TransferConfirmForm(forms.Form):
    MISMATCH_CHOICES = [
        ("accept", gettext_lazy("Farkı bilerek kabul et ve onayla")),
        ("reject", gettext_lazy("Ödemeyi reddet")),
    ]
    # Which field a service error belongs next to (by the error's code).
    ERROR_FIELDS = {
        "amount": "amount_received",
        "value_date": "value_date",
        "bank_account": "bank_account",
        "reference": "bank_reference",
        "reference_used": "bank_reference",
        "amount_mismatch": "mismatch_decision",
    }

    amount_received = forms.CharField(
        label=gettext_lazy("Gelen tutar (₺)"),
        max_length=20,
        help_text=gettext_lazy("Banka hesap hareketindeki tutar, ör. 23.055,00"),
    )
    value_date = forms.DateField(
        label=gettext_lazy("Valör tarihi"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    bank_account = forms.ModelChoiceField(
        label=gettext_lazy("Paranın geldiği hesap"),
        queryset=BankAccount.objects.order_by("-is_active", "display_order", "bank_name"),
    )
    bank_reference = forms.CharField(
        label=gettext_lazy("Banka referansı"), max_length=64, validators=[validate_display_text]
    )
    note = forms.CharField(
        label=gettext_lazy("Not"),
        required=False,
        max_length=2000,
        validators=[validate_display_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mismatch_decision = forms.ChoiceField(
        label=gettext_lazy("Tutar farklı: ne yapılsın?"),
        choices=MISMATCH_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    @property
    def amount_mismatch(self) -> bool:
        """The service found the amount different: the template shows the explicit choice."""
        return self.is_bound and (
            self.has_error("mismatch_decision", "amount_mismatch")
            or bool(self.data.get("mismatch_decision"))
        )

    def clean_amount_received(self):
        try:
            return parse_amount(self.cleaned_data["amount_received"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error(
            self.ERROR_FIELDS.get(error.code), forms.ValidationError(error.message, code=error.code)
        )


class TransferRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Ret gerekçesi (müşteriye e-postayla bildirilir)"),
        max_length=1000,
        validators=[validate_display_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=gettext_lazy("İç not"),
        required=False,
        max_length=2000,
        validators=[validate_display_multiline_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error("reason" if error.code == "reason" else None, error.message)
