"""Key-value memory with expiry for the development simulators, shared by every process.

The e-Devlet simulator (accounts.edevlet.simulator) and the fake payment gateway
(payments.gateways.fake) keep their codes, tokens and payments here, so the README's gunicorn
command with several workers works without a shared cache.
"""

from datetime import timedelta

from django.utils import timezone

from .models import SimulatorState


def put(key: str, value, ttl_seconds: int) -> None:
    now = timezone.now()
    SimulatorState.objects.filter(expires_at__lte=now).delete()
    SimulatorState.objects.update_or_create(
        key=key, defaults={"value": value, "expires_at": now + timedelta(seconds=ttl_seconds)}
    )


def get(key: str):
    row = SimulatorState.objects.filter(key=key, expires_at__gt=timezone.now()).first()
    return row.value if row else None


def pop(key: str):
    """Read and delete: of two concurrent callers only the one whose delete removed the row
    gets the value (single-use codes)."""
    value = get(key)
    deleted, _ = SimulatorState.objects.filter(key=key).delete()
    return value if deleted else None
