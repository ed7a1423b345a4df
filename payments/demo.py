"""Demo data for payments: our receiving bank accounts (idempotent)."""

from accounts.validators import is_valid_tr_iban

from .models import BankAccount
from .services.transfer import accounting_group_sync

ACCOUNT_HOLDER = "İYS İleti Yönetim Sistemi A.Ş."
DEMO_BANK_ACCOUNTS = [
    # bank, branch, IBAN, display order
    ("T.C. Ziraat Bankası", "Ankara Kurumsal Şubesi", "TR680001000000123456789012", 1),
    ("Garanti BBVA", "İstanbul Levent Şubesi", "TR700006200000000006299999", 2),
    ("Örnek Katılım Bankası", "İstanbul Ticari Şubesi", "TR330006100519786457841326", 3),
]


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
