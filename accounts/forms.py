import re

from django import forms
from django.utils.translation import gettext_lazy as _

from iys_portal.validators import validate_display_multiline_text, validate_display_text

from . import authorization
from .roles import ROLE_HELP, Role
from .validators import normalize_tr_phone, validate_tax_number, validate_tckn, validate_tr_mobile

_NAME = re.compile(r"^[^\W\d_]+(?:[ '.-][^\W\d_]+)*\.?$")


def _extra_role_choices():
    """The roles one can choose: «Görüntüleme» is always held, so it is not a choice."""
    return [(r.value, f"{r.label} — {ROLE_HELP[r]}") for r in Role if r != Role.VIEW]


def roles_field(**kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=_extra_role_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Geçersiz rol seçimi.")},
        **kwargs,
    )


def _digits_only(value: str) -> str:
    return "".join(str(value).split())


class AuthorizationRequestForm(forms.Form):
    tax_number = forms.CharField(
        label=_("Hizmet sağlayıcının vergi kimlik no"),
        help_text=_("VKN (10 hane) ya da şahıs şirketi için T.C. kimlik no (11 hane)."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_tckn = forms.CharField(
        label=_("T.C. kimlik no"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("Ad"), max_length=100, validators=[validate_display_text])
    last_name = forms.CharField(
        label=_("Soyad"), max_length=100, validators=[validate_display_text]
    )
    email = forms.EmailField(label=_("E-posta"), max_length=254)
    phone = forms.CharField(
        label=_("Cep telefonu"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    role_reason = forms.CharField(
        label=_("Görevi / talep gerekçesi"),
        help_text=_("Firmadaki göreviniz ve neden giriş yetkisi istediğiniz."),
        min_length=10,
        max_length=1000,
        validators=[validate_display_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    requested_roles = roles_field(
        label=_("İstenen roller"),
        help_text=_(
            "«Görüntüleme» her zaman verilir. Diğer rollere hizmet sağlayıcının yetkili kişisi "
            "karar verir."
        ),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(required=False, label=_("Web sitesi"))

    def clean_tax_number(self) -> str:
        value = _digits_only(self.cleaned_data["tax_number"])
        validate_tax_number(value)
        return value

    def clean_applicant_tckn(self) -> str:
        value = _digits_only(self.cleaned_data["applicant_tckn"])
        validate_tckn(value)
        return value

    def _clean_name(self, field: str) -> str:
        value = " ".join(self.cleaned_data[field].split())
        if not _NAME.match(value):
            raise forms.ValidationError(_("Yalnızca harf, boşluk, kesme ve tire kullanınız."))
        return value

    def clean_first_name(self) -> str:
        return self._clean_name("first_name")

    def clean_last_name(self) -> str:
        return self._clean_name("last_name")

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        validate_tr_mobile(value)
        return normalize_tr_phone(value)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class SignedFormUploadForm(forms.Form):
    signed_form = forms.FileField(
        label=_("İmzalı form (PDF)"),
        help_text=_("Yalnızca PDF, en fazla 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_signed_form(self):
        upload = self.cleaned_data["signed_form"]
        if upload.size > authorization.SIGNED_FORM_MAX_BYTES:
            raise forms.ValidationError(_("Dosya en fazla 5 MB olabilir."), code="too_large")
        upload.seek(0)
        data = upload.read(authorization.SIGNED_FORM_MAX_BYTES + 1)
        upload.seek(0)
        try:
            pages = authorization.check_pdf(data)
        except authorization.NotAPdf as exc:
            if str(exc) == "encrypted":
                raise forms.ValidationError(
                    _("Şifreli (parola korumalı) PDF kabul edilmez."), code="encrypted"
                ) from exc
            if str(exc) == "too_complex":
                raise forms.ValidationError(
                    _(
                        "PDF dosyası incelenemedi: dosya olağan dışı derecede karmaşık ya da "
                        "sıkıştırılmış içerik barındırıyor. Lütfen imzalı formu tarayıp yeniden "
                        "PDF olarak kaydediniz ve o dosyayı yükleyiniz."
                    ),
                    code="too_complex",
                ) from exc
            raise forms.ValidationError(
                _(
                    "Yüklenen dosya geçerli bir PDF değil. Lütfen imzalı formu PDF olarak "
                    "yükleyiniz."
                ),
                code="not_pdf",
            ) from exc
        if pages > authorization.SIGNED_FORM_MAX_PAGES:
            raise forms.ValidationError(
                _("İmzalı form en fazla 20 sayfa olabilir."), code="too_many_pages"
            )
        return upload


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Ret gerekçesi"),
        max_length=1000,
        validators=[validate_display_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Ret gerekçesi yazınız.")},
    )


class DelegateRolesForm(forms.Form):
    roles = roles_field(
        label=_("Roller"),
        help_text=_(
            "«Görüntüleme» her zaman vardır; yetkili kişi her zaman tüm yetkilere sahiptir."
        ),
    )
