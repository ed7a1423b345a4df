"""Forms of Temel Hizmetler: shape only; the registry's rules live in ``normalize`` and the
services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Brand, Channel

from .models import RecipientType, Source, Status
from .normalize import DATE_FORMATS


def _brand_field(service_provider, *, required: bool):
    return forms.ModelChoiceField(
        label=_("Marka"),
        queryset=Brand.objects.filter(service_provider=service_provider).order_by("name"),
        required=required,
        empty_label=None if required else _("Tüm markalar"),
    )


class ConsentForm(forms.Form):
    recipient = forms.CharField(
        label=_("Alıcı (telefon ya da e-posta)"),
        max_length=254,
        help_text=_("Ör. 0532 123 45 67 ya da ad@ornek.com.tr"),
    )
    channel = forms.ChoiceField(label=_("Kanal"), choices=Channel.choices)
    recipient_type = forms.ChoiceField(label=_("Alıcı tipi"), choices=RecipientType.choices)
    status = forms.ChoiceField(label=_("Durum"), choices=Status.choices)
    source = forms.ChoiceField(
        label=_("Kaynak"),
        choices=[("", _("— Seçiniz (tacir için isteğe bağlı) —")), *Source.choices],
        required=False,
    )
    consent_date = forms.DateTimeField(
        label=_("İzin tarihi"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", *DATE_FORMATS],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}),
        help_text=_("Türkiye saatiyle; tacir için isteğe bağlı."),
    )

    def __init__(self, *args, service_provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"brand": _brand_field(service_provider, required=True), **self.fields}


class FilterForm(forms.Form):
    brand = forms.ModelChoiceField(queryset=Brand.objects.none(), required=False)
    channel = forms.ChoiceField(
        label=_("Kanal"), choices=[("", _("Tüm kanallar")), *Channel.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Durum"), choices=[("", _("Tüm durumlar")), *Status.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("Kaynak"), choices=[("", _("Tüm kaynaklar")), *Source.choices], required=False
    )
    date_from = forms.DateField(
        label=_("İzin tarihi (başlangıç)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("İzin tarihi (bitiş)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, service_provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"] = _brand_field(service_provider, required=False)

    def filters(self):
        from .selectors import ConsentFilters

        data = self.cleaned_data if self.is_valid() else {}
        brand = data.get("brand")
        return ConsentFilters(
            brand_id=brand.pk if brand else None,
            channel=data.get("channel") or "",
            status=data.get("status") or "",
            source=data.get("source") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class QueryForm(forms.Form):
    recipient = forms.CharField(label=_("Alıcı (telefon ya da e-posta)"), max_length=254)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Dosya (CSV ya da Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args, service_provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"brand": _brand_field(service_provider, required=True), **self.fields}


class MappingForm(forms.Form):
    """One select per registry field, listing the file's columns."""

    def __init__(self, *args, columns: list[str], initial_mapping: dict, **kwargs):
        from .normalize import FIELD_LABELS
        from .uploads import FIELDS, REQUIRED

        super().__init__(*args, **kwargs)
        choices = [
            ("", _("— yok —")),
            *[(str(i), name or f"#{i + 1}") for i, name in enumerate(columns)],
        ]
        for name in FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=FIELD_LABELS[name],
                choices=choices,
                coerce=int,
                empty_value=None,
                required=name in REQUIRED,
                initial=initial_mapping.get(name),
            )

    def mapping(self) -> dict:
        return dict(self.cleaned_data)
