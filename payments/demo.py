"""Demo data for payments: our receiving bank accounts, and one order waiting for a bank
transfer so the accounting desk has something to confirm (idempotent)."""

from django.conf import settings

from accounts.models import ServiceProvider, User
from accounts.validators import is_valid_tr_iban
from packages.models import ContractVersion, Order, Package

from .models import BankAccount
from .services.transfer import accounting_group_sync, bank_transfer_choose

# The same issuer name as on receipts and contracts.
ACCOUNT_HOLDER = settings.ISSUER_NAME
DEMO_BANK_ACCOUNTS = [
    # bank, branch, IBAN, display order
    ("T.C. Ziraat Bankası", "Ankara Kurumsal Şubesi", "TR680001000000123456789012", 1),
    ("Garanti BBVA", "İstanbul Levent Şubesi", "TR700006200000000006299999", 2),
    ("Örnek Katılım Bankası", "İstanbul Ticari Şubesi", "TR330006100519786457841326", 3),
]


def _waiting_transfer_order(stdout) -> None:
    """Boğaziçi Gıda bought İLETİ-150 and chose bank transfer, through the real services."""
    from packages.services import order_accept_contract, order_start

    provider = ServiceProvider.objects.filter(tax_number="9876543217").first()
    person = User.objects.filter(tckn="10000000146").first()
    package = Package.objects.filter(code="ileti-150").first()
    contract = ContractVersion.objects.filter(version="2026.1").first()
    if None in (provider, person, package, contract):
        return
    existing = Order.objects.filter(
        service_provider=provider, payment_method=Order.PaymentMethod.TRANSFER
    ).first()
    if existing is None:
        order = order_start(
            service_provider=provider,
            package_id=package.pk,
            phone_count=90_000,
            email_count=140_000,
            actor=person,
        )
        order_accept_contract(
            order_id=order.pk,
            contract_version_id=contract.pk,
            actor=person,
            ip_address="127.0.0.1",
            user_agent="seed_demo",
        )
        existing, _changed = bank_transfer_choose(order_id=order.pk, actor=person)
    stdout.write(
        f"  Havale bekleyen sipariş: {existing.code} ({provider.title}, {existing.package.name})\n"
    )


def seed(*, stdout) -> None:
    accounting_group_sync()
    for bank_name, branch, iban, order in DEMO_BANK_ACCOUNTS:
        assert is_valid_tr_iban(iban), iban
        BankAccount.objects.get_or_create(
            iban=iban,
            defaults={
                "bank_name": bank_name,
                "branch": branch,
                "account_holder": ACCOUNT_HOLDER,
                "is_active": True,
                "display_order": order,
            },
        )
    stdout.write(f"  Banka hesapları: {len(DEMO_BANK_ACCOUNTS)} (Havale/EFT)\n")
    _waiting_transfer_order(stdout)
