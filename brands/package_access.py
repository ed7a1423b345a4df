"""The brands → packages adapter: the one place brands asks packages a question (brands →
packages, never the other way).

A business partner's authority is derived, not stored: a partner grant is effective only while
the company has an active İLETİ package, so a lapse suspends it and a new package restores it
without any task touching the grants. AHS grants do not depend on a package.
"""

from datetime import datetime

from accounts.models import ServiceProvider
from packages.selectors import subscription_active_for


def has_active_package(*, service_provider: ServiceProvider, at: datetime | None = None) -> bool:
    return subscription_active_for(service_provider=service_provider, at=at) is not None
