"""The statement upload form: which account, which format, the file (shape only)."""

from django import forms
from django.utils.translation import gettext_lazy

from ..models import BankAccount
from ..statements import BANK_FORMATS

MAX_STATEMENT_BYTES = 5 * 1024 * 1024


def _format_choices():
    tables = [(key, f"{spec['label']} — CSV / Excel") for key, spec in BANK_FORMATS.items()]
    return [("mt940", gettext_lazy("MT940 (SWIFT ekstresi, tüm bankalar)")), *tables]


class StatementImportForm(forms.Form):
    bank_account = forms.ModelChoiceField(
        label=gettext_lazy("Ekstrenin ait olduğu hesap"),
        queryset=BankAccount.objects.order_by("-is_active", "display_order", "bank_name"),
    )
    file_format = forms.ChoiceField(label=gettext_lazy("Dosya biçimi"), choices=_format_choices)
    file = forms.FileField(
        label=gettext_lazy("Ekstre dosyası"),
        help_text=gettext_lazy("MT940 (.sta, .txt), CSV ya da Excel (.xlsx); en fazla 5 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(gettext_lazy("Dosya 5 MB'tan büyük olamaz."))
        if upload.size == 0:
            raise forms.ValidationError(gettext_lazy("Dosya boş."))
        return upload
