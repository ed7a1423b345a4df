"""The customer's side of paying by bank transfer: the choice on Ödeme Adımı, «Onayla», the
last step with our accounts, the waiting order on Paket Yönetimi, switching to card, cancelling."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from iys_portal.formatting import format_try
from packages.models import Order
from payments.services.transfer import bank_transfer_reject
from tests.factories import BankAccountFactory, OrderFactory, make_iban
from tests.tenancy import assert_foreign_404

pytestmark = pytest.mark.django_db
S = Order.Status
GUIDE_SENTENCE = (
    "Havale/EFT yapılırken açıklama bilgisine mutlaka «Sipariş Kodu» ve «Firma Unvanı» "
    "yazılmalıdır."
)


def _order(provider, status=S.CONTRACT_ACCEPTED, **fields):
    return OrderFactory(service_provider=provider, status=status, **fields)


def test_step_page_offers_transfer_with_a_confirmation_dialog(provider_client, provider):
    order = _order(provider)
    html = provider_client.get(reverse("payments:step", args=[order.code])).content.decode()
    choose = reverse("payments:transfer_choose", args=[order.code])
    assert f'href="{choose}" data-dialog-open="transfer-dialog"' in html
    dialog = html.split('<dialog id="transfer-dialog"')[1].split("</dialog>")[0]
    assert f'action="{choose}"' in dialog and 'method="post"' in dialog
    assert "Onayla" in dialog
    assert "7 gün içinde" in dialog


def test_without_javascript_the_question_is_a_page(provider_client, provider):
    order = _order(provider)
    response = provider_client.get(reverse("payments:transfer_choose", args=[order.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Onayla" in html and order.code in html
    order.refresh_from_db()
    assert order.status == S.CONTRACT_ACCEPTED  # a GET changes nothing


def test_onayla_leads_to_the_last_step_with_everything_needed(
    provider_client, provider, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNTING_EMAIL = "tahsilat@iys.example"
    BankAccountFactory(bank_name="Garanti BBVA", iban="TR700006200000000006299999")
    BankAccountFactory(bank_name="Kapalı Bank", iban=make_iban(77), is_active=False)
    order = _order(provider)

    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post(reverse("payments:transfer_choose", args=[order.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:transfer_instructions", args=[order.code])
    order.refresh_from_db()
    assert order.status == S.AWAITING_TRANSFER
    assert len(mail.outbox) == 1  # the instructions, by e-mail too

    html = provider_client.get(response["Location"]).content.decode()
    assert "Garanti BBVA" in html
    assert "TR70 0006 2000 0000 0006 2999 99" in html
    assert 'data-copy="TR700006200000000006299999"' in html
    assert "Kapalı Bank" not in html
    assert order.code in html and provider.title in html
    assert "«Sipariş Kodu»" in html and "«Firma Unvanı»" in html
    assert GUIDE_SENTENCE in html
    assert "tahsilat@iys.example" in html
    assert format_try(order.total_amount) in html
    with translation.override("tr"):
        deadline = date_format(timezone.localtime(order.payment_due_at), "j F Y H:i")
    assert f'data-testid="transfer-deadline">{deadline}<' in html
    assert f'href="{reverse("packages:manage")}" data-testid="transfer-complete"' in html
    assert "Tamamla" in html


def test_waiting_order_shows_on_package_management_and_step_shows_instructions_again(
    provider_client, provider
):
    BankAccountFactory(iban="TR680001000000123456789012")
    order = _order(provider, S.AWAITING_TRANSFER)
    manage = provider_client.get(reverse("packages:manage")).content.decode()
    row = manage.split(f'data-testid="order-{order.code}"')[1].split("</tr>")[0]
    assert "Banka transferi bekleniyor" in row
    assert reverse("payments:step", args=[order.code]) in row

    step = provider_client.get(reverse("payments:step", args=[order.code])).content.decode()
    assert 'data-testid="transfer-waiting"' in step
    assert "TR68 0001 0000 0012 3456 7890 12" in step
    assert GUIDE_SENTENCE in step
    assert reverse("payments:transfer_to_card", args=[order.code]) in step
    assert reverse("packages:cancel", kwargs={"code": order.code}) in step
    # Choosing again (a second tab, the back button) lands on the instructions, no change.
    again = provider_client.get(reverse("payments:transfer_choose", args=[order.code]))
    assert again["Location"] == reverse("payments:transfer_instructions", args=[order.code])


def test_switch_to_card_while_waiting(provider_client, provider):
    order = _order(provider, S.AWAITING_TRANSFER)
    response = provider_client.post(reverse("payments:transfer_to_card", args=[order.code]))
    assert response["Location"] == reverse("payments:step", args=[order.code])
    order.refresh_from_db()
    assert (order.status, order.payment_method) == (S.AWAITING_PAYMENT, Order.PaymentMethod.CARD)
    assert order.payment_due_at is None
    # The instructions page now sends the customer back to the payment step.
    page = provider_client.get(reverse("payments:transfer_instructions", args=[order.code]))
    assert page["Location"] == reverse("payments:step", args=[order.code])


def test_cancel_the_waiting_order(provider_client, provider):
    order = _order(provider, S.AWAITING_TRANSFER)
    provider_client.post(reverse("packages:cancel", kwargs={"code": order.code}))
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    response = provider_client.post(reverse("payments:transfer_choose", args=[order.code]))
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert response.status_code == 302


def test_a_delegate_reads_the_instructions_but_cannot_choose_or_switch(delegate_client, provider):
    """Like the rest of the purchase, paying is the authorized person's."""
    order = _order(provider)
    response = delegate_client.post(reverse("payments:transfer_choose", args=[order.code]))
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == S.CONTRACT_ACCEPTED

    waiting = _order(provider, S.AWAITING_TRANSFER)
    response = delegate_client.post(reverse("payments:transfer_to_card", args=[waiting.code]))
    assert response.status_code == 403
    page = delegate_client.get(reverse("payments:transfer_instructions", args=[waiting.code]))
    assert page.status_code == 200
    assert waiting.code in page.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == S.AWAITING_TRANSFER


def test_rejected_transfer_is_explained_on_the_step_page(provider_client, provider, accountant):
    order = _order(provider, S.AWAITING_TRANSFER)
    bank_transfer_reject(order_id=order.pk, actor=accountant, reason="Açıklamada kod yok.")
    html = provider_client.get(reverse("payments:step", args=[order.code])).content.decode()
    assert 'data-testid="transfer-rejected"' in html
    assert "Açıklamada kod yok." in html
    assert 'data-testid="choose-transfer"' in html  # may pay again


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("transfer_choose", "get"),
        ("transfer_choose", "post"),
        ("transfer_instructions", "get"),
        ("transfer_to_card", "post"),
    ],
)
def test_another_companys_order_is_404(foreign_client, provider, name, method):
    order = _order(provider, S.AWAITING_TRANSFER)
    assert_foreign_404(
        foreign_client, reverse(f"payments:{name}", args=[order.code]), method=method
    )
    order.refresh_from_db()
    assert (order.status, order.payment_method) == (S.AWAITING_TRANSFER, "transfer")


def test_a_free_order_cannot_be_paid_by_transfer(provider_client, provider):
    order = _order(provider, free=True)
    response = provider_client.post(
        reverse("payments:transfer_choose", args=[order.code]), follow=True
    )
    assert "Ücretsiz siparişte ödeme yapılmaz." in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.CONTRACT_ACCEPTED


def test_anonymous_visitor_is_sent_to_login(client, provider):
    order = _order(provider)
    response = client.post(reverse("payments:transfer_choose", args=[order.code]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    order.refresh_from_db()
    assert order.status == S.CONTRACT_ACCEPTED


def test_instructions_page_query_count_does_not_grow_with_accounts(
    provider_client, provider, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = _order(provider, S.AWAITING_TRANSFER)
    url = reverse("payments:transfer_instructions", args=[order.code])
    for n in range(3):
        BankAccountFactory(iban=make_iban(500 + n))
    provider_client.get(url)
    with CaptureQueriesContext(connection) as first:
        assert provider_client.get(url).content.decode().count('data-copy="TR') == 3
    for n in range(3):
        BankAccountFactory(iban=make_iban(600 + n))
    with django_assert_num_queries(len(first.captured_queries)):
        assert provider_client.get(url).content.decode().count('data-copy="TR') == 6
