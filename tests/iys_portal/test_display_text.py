"""Free text shown to others refuses control characters, escapes and bidi overrides (#11.9)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.forms import AuthorizationRequestForm, RejectionForm
from brands.forms import BrandForm
from brands.models import Brand
from iys_portal.validators import validate_display_multiline_text, validate_display_text
from packages.forms import QuoteRequestForm
from tests.factories import AuthorizationRequestFactory, BrandFactory, ServiceProviderFactory

MESSAGE = "yazı yönünü değiştiren görünmez karakterler kullanılamaz"

HIDDEN = [
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u202a",
    "\u202d",
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2069",
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",
    "\u061c",  # ARABIC LETTER MARK
    "\u200b",  # ZERO WIDTH SPACE
    "\ufeff",
    "\x1b[31m",  # ESC sequence
    "\x00",
    "\x07",
    "\x85",  # C1 NEXT LINE
    "\u2028",
]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_one_line_text_refuses_hidden_characters(hidden):
    with pytest.raises(ValidationError) as info:
        validate_display_text(f"Anadolu{hidden}Tekstil")
    assert info.value.code == "hidden_characters"
    assert MESSAGE in str(info.value.messages[0])


@pytest.mark.parametrize("hidden", HIDDEN)
def test_multiline_text_refuses_hidden_characters(hidden):
    with pytest.raises(ValidationError):
        validate_display_multiline_text(f"Satır bir\r\n{hidden}satır iki")


def test_line_breaks_only_in_multiline_text():
    validate_display_multiline_text("Birinci satır\r\nİkinci satır\tsekme")
    with pytest.raises(ValidationError):
        validate_display_text("Marka\nadı")


@given(
    st.text(
        alphabet=st.characters(
            categories=["Lu", "Ll", "Nd", "Zs", "Pd", "Po", "Ps", "Pe"],
            include_characters="İıŞşĞğÇçÖöÜü",
        )
    )
)
def test_visible_text_with_turkish_letters_passes(text):
    validate_display_text(text)
    validate_display_multiline_text(text)


@pytest.mark.django_db
def test_brand_name_with_a_bidi_override_is_a_form_error_and_saves_nothing(provider_client):
    response = provider_client.post(reverse("brands:brand_add"), {"name": "evil\u202egpj.exe"})

    assert MESSAGE in response.content.decode()
    assert not Brand.objects.exists()


@pytest.mark.django_db
def test_brand_rename_with_an_isolate_is_refused(provider_client, provider):
    brand = BrandFactory(service_provider=provider, name="Eski Ad")
    response = provider_client.post(
        reverse("brands:brand_rename", args=[brand.pk]), {"name": "Yeni\u2067Ad"}
    )

    assert MESSAGE in response.content.decode()
    brand.refresh_from_db()
    assert brand.name == "Eski Ad"


@pytest.mark.parametrize(
    ("form_class", "field", "value"),
    [
        (BrandForm, "name", "Marka\u202d"),
        (AuthorizationRequestForm, "first_name", "Ay\u202eşe"),
        (AuthorizationRequestForm, "role_reason", "Pazarlama müdürü\u2066, yetki istiyorum"),
        (RejectionForm, "reason", "Eksik \u202ebelge"),
        (QuoteRequestForm, "note", "Not\u200f"),
    ],
)
def test_forms_shown_to_others_refuse_bidi(form_class, field, value):
    form = form_class(data={field: value})
    form.is_valid()
    assert MESSAGE in " ".join(form.errors.get(field, []))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (ServiceProviderFactory, "title"),
        (BrandFactory, "name"),
        (AuthorizationRequestFactory, "applicant_last_name"),
        (AuthorizationRequestFactory, "role_reason"),
    ],
)
def test_model_fields_refuse_bidi_in_the_admin_and_full_clean(factory, field):
    obj = factory()
    setattr(obj, field, "Firma \u202eŞ.A")
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    assert field in info.value.message_dict
