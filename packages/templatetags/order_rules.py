"""The order rules for templates: ``{% load order_rules %}{% if order|payable %}``."""

from django import template

from packages import order_rules

register = template.Library()


@register.filter
def payable(order) -> bool:
    return order_rules.order_is_payable(order)


@register.filter
def cancellable(order) -> bool:
    return order_rules.order_can_cancel(order)
