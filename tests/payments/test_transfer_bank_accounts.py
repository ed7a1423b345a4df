"""Our receiving bank accounts in the admin (IBAN validated) and who may manage them."""

import pytest
from django.urls import reverse

from payments.models import BankAccount
from tests.factories import BankAccountFactory, make_iban, make_staff

pytestmark = pytest.mark.django_db

ADD_URL = "admin:payments_bankaccount_add"


def _form(**overrides):
    data = {
        "bank_name": "Garanti BBVA",
        "branch": "Levent",
        "account_holder": "İYS İleti Yönetim Sistemi A.Ş.",
        "iban": "TR70 0006 2000 0000 0006 2999 99",
        "is_active": "on",
        "display_order": "1",
    }
    data.update(overrides)
    return data


def test_accountant_adds_account_with_grouped_iban_stored_compact(client):
    client.force_login(make_staff("Muhasebe"))
    response = client.post(reverse(ADD_URL), _form())
    assert response.status_code == 302, response.content[:2000]
    account = BankAccount.objects.get()
    assert account.iban == "TR700006200000000006299999"
    assert account.history.count() == 1


@pytest.mark.parametrize(
    "iban",
    [
        "TR70 0006 2000 0000 0006 2999 98",  # check digits do not match
        "DE89370400440532013000",  # not a Turkish IBAN
        "TR70000620000000000629999",  # one character short
    ],
)
def test_invalid_iban_is_refused_in_turkish_and_nothing_saved(client, iban):
    client.force_login(make_staff("Muhasebe"))
    response = client.post(reverse(ADD_URL), _form(iban=iban))
    assert response.status_code == 200
    assert "Geçerli bir TR IBAN giriniz" in response.content.decode()
    assert not BankAccount.objects.exists()


@pytest.mark.parametrize("groups", [("Destek",), ()])
def test_staff_outside_accounting_cannot_manage_accounts(client, groups):
    client.force_login(make_staff(*groups))
    assert client.get(reverse(ADD_URL)).status_code == 403
    response = client.post(reverse(ADD_URL), _form())
    assert response.status_code == 403
    assert not BankAccount.objects.exists()


def test_duplicate_iban_is_refused(client):
    BankAccountFactory(iban="TR700006200000000006299999")
    client.force_login(make_staff("Muhasebe"))
    response = client.post(reverse(ADD_URL), _form())
    assert response.status_code == 200
    assert BankAccount.objects.count() == 1


def test_list_shows_iban_in_groups_of_four(client):
    BankAccountFactory(iban=make_iban(42))
    client.force_login(make_staff("Muhasebe"))
    response = client.get(reverse("admin:payments_bankaccount_changelist"))
    assert response.status_code == 200
    iban = make_iban(42)
    assert " ".join(iban[i : i + 4] for i in range(0, 26, 4)) in response.content.decode()


def test_demo_seed_is_idempotent_and_ibans_valid():
    from io import StringIO

    from accounts.validators import is_valid_tr_iban
    from payments import demo

    demo.seed(stdout=StringIO())
    demo.seed(stdout=StringIO())
    ibans = list(BankAccount.objects.values_list("iban", flat=True))
    assert len(ibans) == 3
    assert all(is_valid_tr_iban(iban) for iban in ibans)


def test_demo_leaves_one_order_waiting_for_the_accounting_desk(client):
    from io import StringIO

    from accounts import demo as accounts_demo
    from packages import demo as packages_demo
    from packages.models import Order
    from payments import demo

    for _ in range(2):
        accounts_demo.seed(stdout=StringIO())
        packages_demo.seed(stdout=StringIO())
        demo.seed(stdout=StringIO())
    order = Order.objects.get(payment_method=Order.PaymentMethod.TRANSFER)
    assert order.status == Order.Status.AWAITING_TRANSFER
    assert order.service_provider.title == "Boğaziçi Gıda Ürünleri Ltd. Şti."
    assert order.payment_due_at is not None

    assert client.login(username="22222222220", password="muhasebe-demo")
    response = client.get(reverse("admin:payments_transferorder_changelist"))
    assert [o.code for o in response.context["cl"].result_list] == [order.code]
