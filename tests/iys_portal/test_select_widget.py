"""The project's select.html writes the options in place: the same HTML as Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from iys_portal.forms import PortalFormRenderer

CHOICES = [
    ("", "—"),
    (1, "Bir"),
    ("x<&\"'", "Kaçış <b>&</b>"),
    ("Grup", [(2, "İki"), (3, "Üç")]),
]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "1"),
        (forms.Select(choices=CHOICES, attrs={"id": "f", "data-autosubmit": True}), "x<&\"'"),
        (forms.SelectMultiple(choices=CHOICES), ["2", "3"]),
        (forms.NullBooleanSelect(), "true"),
        (forms.Select(choices=[]), None),
    ],
)
def test_same_html_as_django(widget, value):
    ours = widget.render("f", value, renderer=PortalFormRenderer())
    djangos = widget.render("f", value, renderer=DjangoTemplates())
    assert ours == djangos
    assert "<select" in ours


def test_a_widget_with_its_own_option_template_still_uses_it():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input.html"  # anything else

    html = Custom(choices=[(1, "Bir")]).render("f", 1, renderer=PortalFormRenderer())
    assert "<option" not in html and "<input" in html
