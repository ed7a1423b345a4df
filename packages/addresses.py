"""The one place packages asks the consent registry a question: the measured address count.

The registry (``consents``) sits on top of packages (it reads the active package's limit), so
this import is made at call time and only reads the counter rows (one query, O(1)).
"""

from dataclasses import dataclass

from accounts.models import ServiceProvider


@dataclass(frozen=True)
class MeasuredAddresses:
    phones: int
    emails: int

    @property
    def total(self) -> int:
        return max(self.phones, self.emails)


def measured_addresses(*, service_provider: ServiceProvider) -> MeasuredAddresses:
    from consents.selectors import address_count_for

    count = address_count_for(service_provider=service_provider)
    return MeasuredAddresses(phones=count.phones, emails=count.emails)


def open_address_notices(*, service_provider: ServiceProvider) -> list:
    from consents.selectors import address_notices_open

    return address_notices_open(service_provider=service_provider)
