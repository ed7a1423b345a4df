"""Factories for the payments app."""

import factory
from factory.django import DjangoModelFactory

from accounts.validators import iban_check_digits
from payments.models import BankAccount, Payment

from .accounts import UserFactory
from .packages import OrderFactory

__all__ = ["BankAccountFactory", "CardPaymentFactory", "make_iban", "make_staff"]


def make_iban(n: int, bank_code: str = "00062") -> str:
    """A valid TR IBAN (mod-97) for account number ``n``."""
    bban = f"{bank_code}0{n:016d}"
    return f"TR{iban_check_digits('TR', bban)}{bban}"


def make_staff(*groups: str, password: str = "gizli-parola-123", **fields):
    """A staff user in the given groups (e.g. "Muhasebe", "Destek") who can log into /yonetim/."""
    from django.contrib.auth.models import Group

    from payments.services.transfer import accounting_group_sync

    if "Muhasebe" in groups:
        # Transactional tests flush the group the migrations created; bring it back.
        accounting_group_sync()
    user = UserFactory(is_staff=True, password=password, **fields)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


class BankAccountFactory(DjangoModelFactory):
    class Meta:
        model = BankAccount
        django_get_or_create = ("iban",)

    bank_name = factory.Sequence(lambda n: f"Örnek Bank {n}")
    branch = "Merkez Şubesi"
    account_holder = "İYS İleti Yönetim Sistemi A.Ş."
    iban = factory.Sequence(lambda n: make_iban(1000 + n))
    is_active = True
    display_order = factory.Sequence(lambda n: n)


class CardPaymentFactory(DjangoModelFactory):
    """A card payment attempt waiting at the bank (``pending_3ds``) for an awaiting order."""

    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    conversation_id = factory.Sequence(lambda n: f"conv{n:08d}")
    gateway = "fake"
    gateway_payment_id = factory.Sequence(lambda n: str(30000000 + n))
    status = Payment.Status.PENDING_3DS
    price = factory.LazyAttribute(lambda p: p.order.total_amount)
    paid_price = factory.LazyAttribute(lambda p: p.order.total_amount)
    installment = 1
    bin_number = "552879"
    last_four = "0008"
    created_by = factory.LazyAttribute(lambda p: p.order.created_by)
