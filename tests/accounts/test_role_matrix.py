"""Every role × every write view and every write service → allowed or refused (J11).

Enumerated, not sampled: each case below names the one role it needs ("owner" = only the
authorized person), and every persona is tried on every case. A refused view answers 403 with
the Turkish reason; a refused service raises ``PermissionDeniedError`` and changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AuthorizationRequest, Membership
from accounts.roles import Role
from brands import services as brand_services
from brands.models import Brand, Grant
from iys_portal.errors import PermissionDeniedError
from packages import quotes
from packages import selectors as package_selectors
from packages import services as package_services
from packages.models import Order, OrderTransition, QuoteRequest
from payments.gateways.base import Card
from payments.services.card import payment_start
from payments.services.transfer import bank_transfer_choose
from tests.conftest import login_as
from tests.factories import (
    AhsFactory,
    AhsGrantFactory,
    AuthorizationRequestFactory,
    BankAccountFactory,
    BrandFactory,
    ContractVersionFactory,
    MembershipFactory,
    OrderFactory,
    PartnerFactory,
    SubscriptionFactory,
    catalog,
    delegate_with_roles,
)

pytestmark = pytest.mark.django_db

S = Order.Status
OWNER = "owner"  # the authorized person only (giving access is an owner's decision)
PERSONAS = {
    "yetkili kişi": None,
    "görüntüleme": (),
    "izin yönetimi": (Role.CONSENTS,),
    "marka yönetimi": (Role.BRANDS,),
    "satın alma": (Role.PURCHASING,),
}


def _allowed(persona: str, needs: str) -> bool:
    if persona == "yetkili kişi":
        return True
    return needs != OWNER and needs in {str(r) for r in PERSONAS[persona]}


@pytest.fixture
def world(provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    packages = catalog()
    ContractVersionFactory(version="2026.1")
    BankAccountFactory(iban="TR700006200000000006299999")
    SubscriptionFactory(service_provider=provider, package=packages["ileti-5"])
    brand = BrandFactory(service_provider=provider, name="Anadolu Tekstil")
    authorized = MembershipFactory(service_provider=provider, role=Membership.Role.AUTHORIZED)
    quote = QuoteRequest.objects.create(
        service_provider=provider,
        phone_count=300_000,
        email_count=400_000,
        address_count=400_000,
        contact_email="satin@example.com",
        created_by=authorized.user,
        status=QuoteRequest.Status.OFFERED,
        offer_net_amount=Decimal("40000.00"),
        offer_valid_until=timezone.localdate() + timedelta(days=10),
        offered_at=timezone.now(),
    )
    return {
        "provider": provider,
        "packages": packages,
        "brand": brand,
        "authorized": authorized,
        "partner": PartnerFactory(),
        "ahs": AhsFactory(),
        "ahs_grant": AhsGrantFactory(brand=brand, mesaj=True, arama=True),
        "draft": OrderFactory(
            service_provider=provider, package=packages["ileti-150"], status=S.DRAFT
        ),
        "payable": OrderFactory(
            service_provider=provider, package=packages["ileti-150"], status=S.CONTRACT_ACCEPTED
        ),
        "free": OrderFactory(
            service_provider=provider, package=packages["ileti-5"], status=S.CONTRACT_ACCEPTED
        ),
        "transfer": OrderFactory(
            service_provider=provider,
            package=packages["ileti-250"],
            status=S.AWAITING_TRANSFER,
        ),
        "quote": quote,
        "request": AuthorizationRequestFactory(service_provider=provider),
        "delegate": delegate_with_roles(provider),
    }


def _actor(world, persona):
    if persona == "yetkili kişi":
        return world["authorized"].user
    return delegate_with_roles(world["provider"], *PERSONAS[persona]).user


# Views: (name, needs, method, url(world), data(world)) --------------------------------------

VIEWS = [
    ("brands:brand_add", Role.BRANDS, "post", lambda w: [], lambda w: {"name": "Yeni"}),
    (
        "brands:brand_rename",
        Role.BRANDS,
        "post",
        lambda w: [w["brand"].pk],
        lambda w: {"name": "Yeni Ad"},
    ),
    (
        "brands:partner_add",
        Role.BRANDS,
        "post",
        lambda w: [w["brand"].pk],
        lambda w: {"integrator": w["partner"].pk, "channels": ["MESAJ"]},
    ),
    (
        "brands:ahs_add",
        Role.BRANDS,
        "post",
        lambda w: [w["brand"].pk],
        lambda w: {"integrator": w["ahs"].pk, "channels": ["EPOSTA"]},
    ),
    (
        "brands:grant_revoke",
        Role.BRANDS,
        "post",
        lambda w: [w["brand"].pk, w["ahs_grant"].pk],
        lambda w: {"channels": ["MESAJ"]},
    ),
    (
        "packages:purchase",
        Role.PURCHASING,
        "post",
        lambda w: [],
        lambda w: {"package": w["packages"]["ileti-150"].pk, "phone_count": 1, "email_count": 1},
    ),
    (
        "packages:quote",
        Role.PURCHASING,
        "post",
        lambda w: [],
        lambda w: {"phone_count": 300000, "email_count": 1, "contact_email": "a@example.com"},
    ),
    (
        "packages:contract",
        Role.PURCHASING,
        "post",
        lambda w: [w["draft"].code],
        lambda w: {"contract_version": 1, "accept": "on"},
    ),
    ("packages:cancel", Role.PURCHASING, "post", lambda w: [w["transfer"].code], lambda w: {}),
    ("packages:cancel", Role.PURCHASING, "get", lambda w: [w["transfer"].code], lambda w: {}),
    ("packages:quote_accept", Role.PURCHASING, "post", lambda w: [w["quote"].pk], lambda w: {}),
    ("payments:step", Role.PURCHASING, "get", lambda w: [w["payable"].code], lambda w: {}),
    ("payments:pay", Role.PURCHASING, "post", lambda w: [w["payable"].code], lambda w: {}),
    (
        "payments:installments",
        Role.PURCHASING,
        "get",
        lambda w: [w["payable"].code],
        lambda w: {"card_number": "552879"},
    ),
    (
        "payments:installment_table",
        Role.PURCHASING,
        "get",
        lambda w: [w["payable"].code],
        lambda w: {},
    ),
    (
        "payments:transfer_choose",
        Role.PURCHASING,
        "post",
        lambda w: [w["payable"].code],
        lambda w: {},
    ),
    (
        "payments:transfer_to_card",
        Role.PURCHASING,
        "post",
        lambda w: [w["transfer"].code],
        lambda w: {},
    ),
    ("accounts:delegates", OWNER, "get", lambda w: [], lambda w: {}),
    (
        "accounts:authorization_request_approve",
        OWNER,
        "post",
        lambda w: [w["request"].pk],
        lambda w: {},
    ),
    (
        "accounts:authorization_request_reject",
        OWNER,
        "post",
        lambda w: [w["request"].pk],
        lambda w: {"reason": "Tanımıyoruz."},
    ),
    (
        "accounts:delegate_roles",
        OWNER,
        "post",
        lambda w: [w["delegate"].pk],
        lambda w: {f"m{w['delegate'].pk}-roles": ["brands"]},
    ),
    (
        "accounts:delegate_deactivate",
        OWNER,
        "post",
        lambda w: [w["delegate"].pk],
        lambda w: {},
    ),
]


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize(
    ("name", "needs", "method", "args", "data"),
    VIEWS,
    ids=[f"{v[0]}-{v[2]}" for v in VIEWS],
)
def test_write_view(client, world, persona, name, needs, method, args, data):
    login_as(client, _actor(world, persona), world["provider"])
    url = reverse(name, args=args(world))
    transitions = OrderTransition.objects.count()
    grants = list(Grant.objects.values_list("pk", "revoked_at"))
    response = getattr(client, method)(url, data(world))
    if _allowed(persona, needs):
        assert response.status_code != 403, response.content.decode()[:500]
    else:
        assert response.status_code == 403
        assert "yetkiniz yok" in response.content.decode()
        assert OrderTransition.objects.count() == transitions
        assert list(Grant.objects.values_list("pk", "revoked_at")) == grants
        assert Brand.objects.filter(service_provider=world["provider"]).count() == 1


# Services: (name, needs, call(world, actor)) -------------------------------------------------

SUCCESS_CARD = Card("Ayşe Yılmaz", "5528790000000008", "12", "2030", "123")


def _payment_start(w, actor):
    payment_start(
        order_id=w["payable"].pk,
        card=SUCCESS_CARD,
        installment=1,
        actor=actor,
        ip="127.0.0.1",
        callback_url="http://testserver/odeme/3d-donus/",
    )


SERVICES = [
    (
        "brand_create",
        Role.BRANDS,
        lambda w, a: brand_services.brand_create(service_provider=w["provider"], name="B", actor=a),
    ),
    (
        "brand_rename",
        Role.BRANDS,
        lambda w, a: brand_services.brand_rename(
            service_provider=w["provider"], brand_id=w["brand"].pk, name="C", actor=a
        ),
    ),
    (
        "partner_grant_set",
        Role.BRANDS,
        lambda w, a: brand_services.partner_grant_set(
            service_provider=w["provider"],
            brand_id=w["brand"].pk,
            integrator_id=w["partner"].pk,
            channels=["MESAJ"],
            reconciliation=True,
            actor=a,
        ),
    ),
    (
        "ahs_grant_set",
        Role.BRANDS,
        lambda w, a: brand_services.ahs_grant_set(
            service_provider=w["provider"],
            brand_id=w["brand"].pk,
            integrator_id=w["ahs"].pk,
            channels=["EPOSTA"],
            actor=a,
        ),
    ),
    (
        "grant_revoke",
        Role.BRANDS,
        lambda w, a: brand_services.grant_revoke(
            service_provider=w["provider"], grant_id=w["ahs_grant"].pk, actor=a
        ),
    ),
    (
        "order_start",
        Role.PURCHASING,
        lambda w, a: package_services.order_start(
            service_provider=w["provider"],
            package_id=w["packages"]["ileti-150"].pk,
            phone_count=10,
            email_count=10,
            actor=a,
        ),
    ),
    (
        "order_confirm_contract",
        Role.PURCHASING,
        lambda w, a: package_services.order_confirm_contract(
            order_id=w["draft"].pk,
            contract_version_id=package_selectors.contract_version_current().pk,
            actor=a,
        ),
    ),
    (
        "order_accept_contract",
        Role.PURCHASING,
        lambda w, a: package_services.order_accept_contract(
            order_id=w["draft"].pk,
            contract_version_id=package_selectors.contract_version_current().pk,
            actor=a,
        ),
    ),
    (
        "order_complete_free",
        Role.PURCHASING,
        lambda w, a: package_services.order_complete_free(order_id=w["free"].pk, actor=a),
    ),
    (
        "order_choose_payment_method",
        Role.PURCHASING,
        lambda w, a: package_services.order_choose_payment_method(
            order_id=w["payable"].pk, method=Order.PaymentMethod.CARD, actor=a
        ),
    ),
    (
        "order_cancel",
        Role.PURCHASING,
        lambda w, a: package_services.order_cancel(order_id=w["transfer"].pk, actor=a),
    ),
    (
        "quote_request_create",
        Role.PURCHASING,
        lambda w, a: package_services.quote_request_create(
            service_provider=w["provider"],
            phone_count=300_000,
            email_count=1,
            contact_email="a@example.com",
            actor=a,
        ),
    ),
    (
        "quote_offer_accept",
        Role.PURCHASING,
        lambda w, a: quotes.quote_offer_accept(
            service_provider=w["provider"], quote_id=w["quote"].pk, actor=a
        ),
    ),
    (
        "bank_transfer_choose",
        Role.PURCHASING,
        lambda w, a: bank_transfer_choose(order_id=w["payable"].pk, actor=a),
    ),
    ("payment_start", Role.PURCHASING, _payment_start),
    (
        "membership_roles_set",
        OWNER,
        lambda w, a: account_services.membership_roles_set(
            service_provider=w["provider"],
            membership_id=w["delegate"].pk,
            roles=["brands"],
            actor=a,
        ),
    ),
    (
        "authorization_request_approve",
        OWNER,
        lambda w, a: account_services.authorization_request_approve(
            authorization_request_id=w["request"].pk,
            actor=a,
            via=AuthorizationRequest.DecidedVia.PORTAL,
        ),
    ),
    (
        "authorization_request_reject",
        OWNER,
        lambda w, a: account_services.authorization_request_reject(
            authorization_request_id=w["request"].pk,
            actor=a,
            via=AuthorizationRequest.DecidedVia.PORTAL,
            reason="Tanımıyoruz.",
        ),
    ),
    (
        "delegate_deactivate",
        OWNER,
        lambda w, a: account_services.delegate_deactivate(
            service_provider=w["provider"], membership_id=w["delegate"].pk, actor=a
        ),
    ),
]


def _snapshot(provider):
    return (
        OrderTransition.objects.count(),
        list(Order.objects.order_by("pk").values_list("pk", "status", "phone_count")),
        list(Grant.objects.order_by("pk").values_list("pk", "revoked_at", "mesaj", "eposta")),
        list(Brand.objects.order_by("pk").values_list("pk", "name")),
        QuoteRequest.objects.count(),
        list(QuoteRequest.objects.order_by("pk").values_list("status", flat=True)),
        list(Membership.objects.order_by("pk").values_list("is_active", "roles")),
        list(AuthorizationRequest.objects.values_list("status", flat=True)),
    )


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize(("name", "needs", "call"), SERVICES, ids=[s[0] for s in SERVICES])
def test_write_service(world, persona, name, needs, call, mailoutbox):
    actor = _actor(world, persona)
    before = _snapshot(world["provider"])
    if _allowed(persona, needs):
        call(world, actor)  # succeeds: no PermissionDeniedError, no other error
        assert _snapshot(world["provider"]) != before, "an allowed write changes something"
    else:
        with pytest.raises(PermissionDeniedError):
            call(world, actor)
        assert _snapshot(world["provider"]) == before
