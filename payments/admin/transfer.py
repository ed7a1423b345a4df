"""The accounting desk: bank accounts and transfer confirmation."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.validators import normalize_iban
from iys_portal.formatting import group_iban

from ..models import BankAccount


class BankAccountForm(forms.ModelForm):
    # Room for an IBAN typed in groups of four; the model field stores it compact.
    iban = forms.CharField(label=_("IBAN"), max_length=40)

    class Meta:
        model = BankAccount
        fields = ["bank_name", "branch", "account_holder", "iban", "is_active", "display_order"]

    def clean_iban(self) -> str:
        return normalize_iban(self.cleaned_data["iban"])


@admin.register(BankAccount)
class BankAccountAdmin(SimpleHistoryAdmin):
    form = BankAccountForm
    list_display = ["bank_name", "grouped_iban", "account_holder", "is_active", "display_order"]
    list_filter = ["is_active"]
    list_editable = ["display_order"]
    search_fields = ["bank_name", "iban", "account_holder"]
    ordering = ["display_order", "bank_name"]

    @admin.display(description=_("IBAN"), ordering="iban")
    def grouped_iban(self, obj: BankAccount) -> str:
        return group_iban(obj.iban)
