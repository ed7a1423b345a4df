"""«₺» never ends up alone on a line: the amount and the sign are joined by a no-break space."""

from decimal import Decimal

from django.template import Context, Template

from iys_portal.formatting import format_try, parse_amount


def test_amount_and_lira_sign_are_joined_by_a_no_break_space():
    assert format_try(Decimal("23055")) == "23.055,00\u00a0₺"
    assert " ₺" not in format_try(Decimal("1234.5"))


def test_the_template_filter_keeps_the_no_break_space():
    html = Template("{% load portal %}{{ amount|tl }}").render(Context({"amount": Decimal("5")}))
    assert html == "5,00\u00a0₺"


def test_an_amount_copied_from_a_page_reads_back():
    assert parse_amount(format_try(Decimal("1234567.89"))) == Decimal("1234567.89")
