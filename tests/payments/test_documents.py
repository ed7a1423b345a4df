"""Documents an accountant accepts: the receipt of every paid order (card with installments, or
transfer), the contract, the authorization request form, and «Belgelerim». The PDFs are read
back and every field checked."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.emails import authorization_request_pdf
from packages.models import Order
from packages.services import contract_pdf_render
from payments.services.transfer import bank_transfer_confirm
from tests.factories import (
    AuthorizationRequestFactory,
    ContractAcceptanceFactory,
    MembershipFactory,
    OrderFactory,
    ServiceProviderFactory,
)
from tests.payments.card_helpers import payable_order
from tests.payments.test_card_receipt import pay_with_fake_gateway, pdf_text
from tests.tenancy import assert_foreign_404

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def buyer(db):
    company = ServiceProviderFactory(
        title="Çağrı Işıklı Gıda Üretim ve Şeker Sanayi A.Ş.",
        tax_number="9876543217",
        mersis_no="0987654321700015",
        address="Atatürk Cad. No: 5 Kat: 2",
        city="Bursa",
    )
    return MembershipFactory(service_provider=company, user__email="ayse@example.com")


@pytest.fixture
def client_of(client):
    def login(membership):
        from tests.conftest import login_as

        return login_as(client, membership.user, membership.service_provider)

    return login


def _issuer_fields():
    return [
        settings.ISSUER_NAME,
        settings.ISSUER_ADDRESS,
        settings.ISSUER_TAX_NUMBER,
        settings.ISSUER_MERSIS,
    ]


def _assert_all_in(text, expected):
    flat = " ".join(text.split())  # a long value may wrap onto the next line
    missing = [value for value in expected if " ".join(value.split()) not in flat]
    assert not missing, f"missing from the PDF: {missing}\n---\n{text}"


def test_card_receipt_with_installments_has_the_surcharge_as_its_own_line(
    buyer, client_of, django_capture_on_commit_callbacks
):
    order = payable_order(buyer.service_provider)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay_with_fake_gateway(order, buyer.user, installment=3)
    order.refresh_from_db()
    subscription = order.subscription

    response = client_of(buyer).get(reverse("payments:document_receipt", args=[order.code]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    _assert_all_in(
        text,
        [
            *_issuer_fields(),
            "Çağrı Işıklı Gıda Üretim ve Şeker Sanayi A.Ş.",
            "9876543217",
            "0987654321700015",
            "Atatürk Cad. No: 5 Kat: 2, Bursa",
            order.code,
            "İLETİ-150",
            f"{date_format(subscription.starts_at, 'j F Y')} – "
            f"{date_format(subscription.ends_at, 'j F Y')}",
            "19.212,50",
            "KDV (%20)",
            "3.842,50",
            "23.055,00",
            "Taksit farkı (3 taksit)",
            "1.035,17",
            "24.090,17",
            "3 × 8.030,06",
            "Kredi/banka kartı",
            "5528 79** **** 0008",
            payment.gateway_payment_id,
        ],
    )
    # The stored, e-mailed receipt is the same document.
    payment.refresh_from_db()
    with payment.receipt_pdf.open("rb") as handle:
        assert "Taksit farkı (3 taksit)" in pdf_text(handle.read())


def test_order_history_shows_the_amount_actually_charged(
    buyer, client_of, django_capture_on_commit_callbacks
):
    order = payable_order(buyer.service_provider)
    with django_capture_on_commit_callbacks(execute=True):
        pay_with_fake_gateway(order, buyer.user, installment=3)
    html = client_of(buyer).get(reverse("packages:manage")).content.decode()
    start = html.index(f'data-testid="charged-{order.code}"')
    assert "24.090,17\u00a0₺" in html[start : start + 120]


def test_transfer_receipt_names_the_bank_and_reference(buyer, client_of, accountant, bank_account):
    order = payable_order(buyer.service_provider, status=S.AWAITING_TRANSFER)
    bank_transfer_confirm(
        order_id=order.pk,
        actor=accountant,
        amount_received=order.total_amount,
        value_date=timezone.localdate(),
        bank_account_id=bank_account.pk,
        bank_reference="EFT-55501",
    )
    response = client_of(buyer).get(reverse("payments:document_receipt", args=[order.code]))
    text = pdf_text(response.content)
    _assert_all_in(
        text,
        [
            *_issuer_fields(),
            "Çağrı Işıklı Gıda Üretim ve Şeker Sanayi A.Ş.",
            "KDV (%20)",
            "23.055,00",
            "Havale/EFT",
            "Garanti BBVA",
            "EFT-55501",
            "Peşin",
        ],
    )
    assert "Taksit farkı" not in text


def test_contract_pdf_names_both_parties_below_the_text_and_who_accepted(buyer):
    order = OrderFactory(service_provider=buyer.service_provider, status=S.CONTRACT_ACCEPTED)
    acceptance = ContractAcceptanceFactory(
        order=order,
        accepted_by=buyer.user,
        ip_address="203.0.113.7",
        contract_version__text=(
            "Madde 1 — Taraflar\nBu sözleşme, İleti Yönetim Sistemi A.Ş. ile aşağıda unvanı "
            "yazılı hizmet sağlayıcı arasındadır."
        ),
        contract_version__version="3.2",
    )
    acceptance = contract_pdf_render(acceptance_id=acceptance.pk)
    with acceptance.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    user = buyer.user
    _assert_all_in(
        text,
        [
            *_issuer_fields(),
            "Çağrı Işıklı Gıda Üretim ve Şeker Sanayi A.Ş.",
            "9876543217",
            "0987654321700015",
            order.package.name,
            "Bir yıl; paketin etkinleştiği tarihten başlar",
            "sürüm 3.2",
            user.get_full_name(),
            user.masked_tckn,
            "203.0.113.7",
            date_format(timezone.localtime(acceptance.accepted_at), "j F Y H:i:s"),
        ],
    )
    assert user.tckn not in text
    flat = " ".join(text.split())
    # «aşağıda unvanı yazılı»: the company's title comes after that sentence.
    assert flat.index("aşağıda unvanı yazılı") < flat.index(buyer.service_provider.title)
    assert "İleti Yönetim Sistemi A.Ş." in flat and settings.ISSUER_NAME in flat


def test_authorization_form_has_the_company_title_and_formatted_phones():
    company = ServiceProviderFactory(title="Ege Mobilya San. A.Ş.", phone="02324440000")
    request = AuthorizationRequestFactory(service_provider=company, applicant_phone="05321234567")
    text = pdf_text(authorization_request_pdf(request))
    _assert_all_in(text, ["Ege Mobilya San. A.Ş.", "+90 532 123 45 67"])
    assert "yetkili kişi doldurur" not in text


def test_documents_page_lists_contracts_and_receipts_newest_first(
    buyer, client_of, accountant, bank_account
):
    older = payable_order(buyer.service_provider, status=S.AWAITING_TRANSFER)
    ContractAcceptanceFactory(order=older, accepted_by=buyer.user)
    newer = payable_order(buyer.service_provider, status=S.AWAITING_TRANSFER)
    ContractAcceptanceFactory(order=newer, accepted_by=buyer.user)
    for order in (older, newer):
        bank_transfer_confirm(
            order_id=order.pk,
            actor=accountant,
            amount_received=order.total_amount,
            value_date=timezone.localdate(),
            bank_account_id=bank_account.pk,
            bank_reference=f"EFT-{order.pk}",
        )
    stranger = OrderFactory(status=S.ACTIVE)  # another company's

    html = client_of(buyer).get(reverse("payments:documents")).content.decode()
    # Both contracts were accepted before either payment was confirmed.
    rows = [
        f"receipt-{newer.code}",
        f"receipt-{older.code}",
        f"contract-{newer.code}",
        f"contract-{older.code}",
    ]
    positions = [html.index(f'data-testid="document-{row}"') for row in rows]
    assert positions == sorted(positions)
    assert stranger.code not in html
    assert reverse("payments:document_receipt", args=[newer.code]) in html
    assert reverse("packages:contract_pdf", args=[newer.code]) in html


def test_foreign_or_unpaid_receipts_look_nonexistent(buyer, client_of, accountant, bank_account):
    foreign = OrderFactory(status=S.AWAITING_TRANSFER)
    bank_transfer_confirm(
        order_id=foreign.pk,
        actor=accountant,
        amount_received=foreign.total_amount,
        value_date=timezone.localdate(),
        bank_account_id=bank_account.pk,
        bank_reference="EFT-X",
    )
    client = client_of(buyer)
    assert_foreign_404(client, reverse("payments:document_receipt", args=[foreign.code]))
    unpaid = payable_order(buyer.service_provider, status=S.AWAITING_TRANSFER)
    assert_foreign_404(client, reverse("payments:document_receipt", args=[unpaid.code]))


def test_documents_page_query_count_does_not_grow(
    buyer, client_of, accountant, bank_account, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            order = payable_order(buyer.service_provider, status=S.AWAITING_TRANSFER)
            ContractAcceptanceFactory(order=order, accepted_by=buyer.user)
            bank_transfer_confirm(
                order_id=order.pk,
                actor=accountant,
                amount_received=order.total_amount,
                value_date=timezone.localdate(),
                bank_account_id=bank_account.pk,
                bank_reference=f"EFT-{order.pk}",
            )

    client = client_of(buyer)
    url = reverse("payments:documents")
    add(2)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert len(response.context["documents"]) == 4
    add(2)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["documents"]) == 8
