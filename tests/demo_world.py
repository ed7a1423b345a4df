"""The demo of ``seed_demo`` plus two open orders of Ayşe's: a draft at «Sözleşme Onay» for a
second company (Ege Gıda) and an accepted contract waiting for payment at Anadolu Tekstil.
The scenery of the page-by-page tests (accessibility audit, aria-describedby)."""

from io import StringIO

from django.core.management import call_command

from accounts.models import ServiceProvider, User
from packages.models import ContractVersion, Package
from packages.services import order_accept_contract, order_start
from tests.factories import MembershipFactory

ANADOLU = "1234567890"


def demo_world() -> dict:
    call_command("seed_demo", stdout=StringIO())
    ayse = User.objects.get(tckn="10000000146")
    anadolu = ServiceProvider.objects.get(tax_number=ANADOLU)
    # Another company of Ayşe's, with an order at «Sözleşme Onay» (one open order per company).
    ege = MembershipFactory(user=ayse, service_provider__title="Ege Gıda A.Ş.").service_provider
    draft = order_start(
        service_provider=ege,
        package_id=Package.objects.get(code="ileti-150").pk,
        phone_count=100_000,
        email_count=120_000,
        actor=ayse,
    )
    payable = order_start(
        service_provider=anadolu,
        package_id=Package.objects.get(code="ileti-250").pk,
        phone_count=150_000,
        email_count=200_000,
        actor=ayse,
    )
    order_accept_contract(
        order_id=payable.pk,
        contract_version_id=ContractVersion.objects.get().pk,
        actor=ayse,
        ip_address="127.0.0.1",
    )
    return {"ayse": ayse, "anadolu": anadolu, "ege": ege, "draft": draft, "payable": payable}
