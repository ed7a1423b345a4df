from django import template

from iys_portal.formatting import format_count, format_phone, format_try, group_iban

register = template.Library()


@register.filter
def tl(value):
    """{{ order.total_amount|tl }} → 1.234,56 ₺"""
    return format_try(value)


@register.filter
def count(value):
    """{{ 200000|count }} → 200.000"""
    return format_count(value)


@register.filter
def iban(value):
    return group_iban(value or "")


@register.filter
def phone(value):
    """{{ company.phone|phone }} → +90 212 555 00 00"""
    return format_phone(value)
