"""A small world for the integration API: one provider with a package, a granted brand, an
ungranted brand, another provider's brand, and an API user with a live token per role."""

import itertools
import json
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from consents.normalize import consent_clean
from consents.services import RecordedBy, consents_apply
from integration.credentials import api_user_create, token_issue
from tests.factories import (
    AhsGrantFactory,
    BrandFactory,
    PackageFactory,
    PartnerGrantFactory,
    ServiceProviderFactory,
    SubscriptionFactory,
)

_names = itertools.count(1)
KNOWN = "+905321110000"  # has an ONAY on MESAJ in every world


@dataclass
class World:
    provider: object
    brand: object
    other_brand: object
    foreign_brand: object
    subscription: object
    grant: object
    api_user: object
    username: str
    secret: str
    token: str
    extra: dict = field(default_factory=dict)


def record(brand, recipient, *, channel="MESAJ", status="ONAY", date="2024-01-02 10:00:00"):
    item = consent_clean(
        recipient=recipient,
        channel=channel,
        recipient_type="BIREYSEL",
        status=status,
        source="HS_WEB",
        consent_date=date,
    )
    return consents_apply(
        service_provider=brand.service_provider,
        brand=brand,
        items=[item],
        recorded_by=RecordedBy.api_client(0),
    ).items[0]


def make_world(role: str = "partner_write", *, limit: int | None = 150_000) -> World:
    provider = ServiceProviderFactory()
    subscription = SubscriptionFactory(
        service_provider=provider, package=PackageFactory(address_limit=limit)
    )
    brand = BrandFactory(service_provider=provider)
    other_brand = BrandFactory(service_provider=provider)
    foreign_brand = BrandFactory()
    SubscriptionFactory(service_provider=foreign_brand.service_provider)
    if role == "ahs":
        grant = AhsGrantFactory(brand=brand, mesaj=True, arama=True)
    else:
        grant = PartnerGrantFactory(
            brand=brand,
            mesaj=True,
            arama=True,
            can_write=role != "partner_read",
            can_reconcile=role == "partner_reconcile",
        )
    username = f"api-{role}-{next(_names)}"
    issued = api_user_create(integrator=grant.integrator, username=username)
    token = token_issue(username=username, password=issued.secret)["access_token"]
    record(brand, KNOWN)
    return World(
        provider,
        brand,
        other_brand,
        foreign_brand,
        subscription,
        grant,
        issued.api_user,
        username,
        issued.secret,
        token,
    )


class Api:
    """The Django test client with a Bearer token, JSON in and out."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _headers(self, headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        if self.token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return extra

    def post(self, path, body, headers=None):
        return self.client.post(
            f"/api{path}",
            json.dumps(body),
            content_type="application/json",
            **self._headers(headers),
        )

    def get(self, path, headers=None, **params):
        return self.client.get(f"/api{path}", params, **self._headers(headers))


def consent_body(recipient="+905329990000", channel="MESAJ", status="ONAY"):
    return {
        "recipient": recipient,
        "recipientType": "BIREYSEL",
        "type": channel,
        "source": "HS_WEB",
        "status": status,
        "consentDate": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
    }


def error_code(response) -> str:
    return response.json()["errors"][0]["code"]


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def api(client, world):
    return Api(client, world.token)
