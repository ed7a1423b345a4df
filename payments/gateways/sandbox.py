"""iyzico's sandbox test cards and a plausible installment table.

Used by ``FakeGateway`` (development) and by the iyzico double in the tests, so both behave like
the iyzico sandbox for the cards listed in docs/domain.md. Not used with the real gateway.
"""

from dataclasses import dataclass
from decimal import Decimal

from iys_portal.formatting import money

from .base import CardFamilyInstallments, InstallmentOption

# Interest the card families charge per installment count (a yearly price list, not a promise).
INSTALLMENT_RATES = {
    1: Decimal("0"),
    2: Decimal("0.0299"),
    3: Decimal("0.0449"),
    6: Decimal("0.0849"),
    9: Decimal("0.1249"),
    12: Decimal("0.1649"),
}


@dataclass(frozen=True)
class Family:
    name: str
    bank: str
    association: str
    max_installments: int
    bank_code: int


FAMILIES = {
    "Bonus": Family("Bonus", "Garanti BBVA", "MASTER_CARD", 12, 62),
    "World": Family("World", "Yapı Kredi", "VISA", 12, 67),
    "Maximum": Family("Maximum", "Türkiye İş Bankası", "MASTER_CARD", 9, 64),
    "Axess": Family("Axess", "Akbank", "VISA", 12, 46),
    "Paraf": Family("Paraf", "Halkbank", "VISA", 6, 12),
    "Bankkart": Family("Bankkart", "Ziraat Bankası", "VISA", 6, 10),
    "Advantage": Family("Advantage", "HSBC", "VISA", 6, 123),
    "CardFinans": Family("CardFinans", "QNB", "VISA", 9, 111),
}

BIN_FAMILIES = {
    "552879": "Bonus",
    "460345": "World",
    "540036": "Maximum",
    "411111": "Axess",
    "412911": "Paraf",
    "412411": "CardFinans",
    "413111": "Bankkart",
    "414111": "Advantage",
}


@dataclass(frozen=True)
class Outcome:
    """What the sandbox does with a card: the bank's mdStatus, then iyzico's answer."""

    md_status: str = "1"
    error_code: str = ""
    error_message: str = ""


SANDBOX_OUTCOMES = {
    "4111111111111129": Outcome(error_code="10051", error_message="Kart limiti yetersiz"),
    "4129111111111111": Outcome(error_code="10005", error_message="İşlem onaylanmadı"),
    "4124111111111116": Outcome(error_code="10084", error_message="CVC2 bilgisi hatalı"),
    "4131111111111117": Outcome(md_status="0"),
    "4141111111111115": Outcome(md_status="4"),
}


def outcome_for(card_number: str) -> Outcome:
    return SANDBOX_OUTCOMES.get(card_number, Outcome())


def family_options(family: Family, price: Decimal) -> tuple[InstallmentOption, ...]:
    options = []
    for count, rate in INSTALLMENT_RATES.items():
        if count > family.max_installments:
            continue
        total = money(price * (1 + rate))
        options.append(
            InstallmentOption(
                count=count, installment_price=money(total / count), total_price=total
            )
        )
    return tuple(options)


def installments_for_bin(bin_number: str, price: Decimal) -> CardFamilyInstallments | None:
    name = BIN_FAMILIES.get(bin_number[:6])
    if name is None:
        return None
    family = FAMILIES[name]
    return CardFamilyInstallments(
        card_family=family.name,
        bank_name=family.bank,
        card_association=family.association,
        card_type="CREDIT_CARD",
        options=family_options(family, price),
        bin_number=bin_number[:6],
    )


def installment_table(price: Decimal) -> list[CardFamilyInstallments]:
    return [
        CardFamilyInstallments(
            card_family=family.name,
            bank_name=family.bank,
            card_association=family.association,
            card_type="CREDIT_CARD",
            options=family_options(family, price),
        )
        for family in FAMILIES.values()
    ]
