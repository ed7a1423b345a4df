from django import forms
from django.utils.translation import gettext_lazy as _

from iys_portal.validators import validate_display_text

from .models import Channel, Integrator
from .selectors import integrators_active


class BrandForm(forms.Form):
    name = forms.CharField(
        label=_("Marka adı"),
        max_length=150,
        validators=[validate_display_text],
        error_messages={"required": _("Marka adını yazınız.")},
    )


class IntegratorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class _GrantForm(forms.Form):
    kind: str
    channels = forms.MultipleChoiceField(
        label=_("Kanallar"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("En az bir kanal seçiniz."),
            "invalid_choice": _("Geçersiz kanal seçimi."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["integrator"].queryset = integrators_active(kind=self.kind)


class PartnerGrantForm(_GrantForm):
    kind = Integrator.Kind.PARTNER
    integrator = IntegratorChoiceField(
        label=_("İş ortağı"),
        queryset=Integrator.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Bir iş ortağı seçiniz."),
            "invalid_choice": _("Geçerli bir iş ortağı seçiniz."),
        },
    )
    read_only = forms.BooleanField(
        label=_("Yalnızca okuma yetkisi ver"),
        required=False,
        help_text=_(
            "İşaretlerseniz iş ortağı seçilen kanallarda izinlerinizi yalnızca sorgulayabilir; "
            "izin ekleyemez ve değiştiremez. İşaretlemezseniz okuma ve yazma yetkisi verilir."
        ),
    )
    reconciliation = forms.BooleanField(
        label=_("Mutabakat yetkisi de ver"),
        required=False,
        help_text=_(
            "Mutabakat: iş ortağı bu markanın seçilen kanallardaki tüm izin kayıtlarını İYS'den "
            "toplu olarak çekip kendi kayıtlarıyla karşılaştırabilir ve farkları düzeltebilir. "
            "Yalnızca izin listenizi bu iş ortağının sisteminde eksiksiz tutmasını istiyorsanız "
            "verin; gerekmiyorsa işaretlemeyin."
        ),
    )
    field_order = ["integrator", "channels", "read_only", "reconciliation"]


class AhsGrantForm(_GrantForm):
    kind = Integrator.Kind.AHS
    integrator = IntegratorChoiceField(
        label=_("Aracı hizmet sağlayıcı"),
        queryset=Integrator.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Bir aracı hizmet sağlayıcı seçiniz."),
            "invalid_choice": _("Geçerli bir aracı hizmet sağlayıcı seçiniz."),
        },
    )
    field_order = ["integrator", "channels"]


class GrantRevokeForm(forms.Form):
    """Which channels of a grant to revoke; all of them are ticked at first."""

    channels = forms.MultipleChoiceField(
        label=_("Kaldırılacak kanallar"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("En az bir kanal seçiniz."),
            "invalid_choice": _("Geçersiz kanal seçimi."),
        },
    )

    def __init__(self, *args, grant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [(c, c) for c in grant.channels]
        if not self.is_bound:
            self.initial["channels"] = list(grant.channels)
