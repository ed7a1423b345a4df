"""The brands → packages adapter: the one place brands asks packages a question (brands →
packages, never the other way).

A business partner's authority is derived, not stored: a partner grant is effective only while
the company has an active İLETİ package, so a lapse suspends it and a new package restores it
without any task touching the grants. AHS grants do not depend on a package.
"""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import ServiceProvider
from packages.selectors import subscription_active_exists


def has_active_package(*, service_provider: ServiceProvider, at: datetime | None = None) -> bool:
    return subscription_active_exists(service_provider=service_provider, at=at)


@dataclass(frozen=True)
class Coverage:
    """Whether the active package covers the measured address count, and which one would."""

    covers: bool
    address_count: int
    limit: int | None
    current_name: str
    needed: object | None  # the smallest package covering the count (packages.Package)


def package_coverage(*, service_provider: ServiceProvider) -> Coverage:
    """The guide: a provider who wants to authorize a business partner needs a package that
    covers its address count («… iş ortağı yetkilendirmek istiyorsa İLETİ-250 paketini satın
    almalıdır»)."""
    from packages.addresses import measured_addresses
    from packages.pricing import package_recommend
    from packages.selectors import subscription_active_for

    count = measured_addresses(service_provider=service_provider).total
    subscription = subscription_active_for(service_provider=service_provider)
    if subscription is None:
        return Coverage(False, count, None, "", package_recommend(address_count=count).package)
    package = subscription.package
    if package.covers(count):
        return Coverage(True, count, package.address_limit, package.name, None)
    needed = package_recommend(address_count=count).package
    return Coverage(False, count, package.address_limit, package.name, needed)
