"""Display of recipients: the registry stores e-mail domains in IDNA (xn--…) so that one address
is one recipient; people read them in their own letters («örnek.com.tr»)."""

from django import template

register = template.Library()


@register.filter
def recipient_display(value: str) -> str:
    local, at, domain = (value or "").rpartition("@")
    if not at:
        return value
    try:
        return f"{local}@{domain.encode('ascii').decode('idna')}"
    except UnicodeError:
        return value
