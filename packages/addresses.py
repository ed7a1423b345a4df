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


@dataclass(frozen=True)
class AddressGauge:
    """The measured count against a package's limit: what Paket Yönetimi and the home page
    draw (phones, e-mails and the larger one, each with its share of the limit)."""

    measured: MeasuredAddresses
    limit: int | None

    def percent(self, value: int) -> int | None:
        return None if not self.limit else value * 100 // self.limit

    @property
    def rows(self) -> list[tuple[str, int, int | None]]:
        m = self.measured
        return [
            ("phones", m.phones, self.percent(m.phones)),
            ("emails", m.emails, self.percent(m.emails)),
            ("total", m.total, self.percent(m.total)),
        ]

    @property
    def over_limit(self) -> bool:
        return bool(self.limit and self.measured.total > self.limit)


def measured_addresses(*, service_provider: ServiceProvider) -> MeasuredAddresses:
    from consents.selectors import address_count_for

    count = address_count_for(service_provider=service_provider)
    return MeasuredAddresses(phones=count.phones, emails=count.emails)


def open_address_notices(*, service_provider: ServiceProvider) -> list:
    from consents.selectors import address_notices_open

    return address_notices_open(service_provider=service_provider)
