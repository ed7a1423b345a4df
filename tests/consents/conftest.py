import pytest

from consents.services import RecordedBy
from tests.factories import BrandFactory


@pytest.fixture
def brand(provider):
    return BrandFactory(service_provider=provider, name="Ana Marka")


@pytest.fixture
def other_brand(provider):
    return BrandFactory(service_provider=provider, name="İkinci Marka")


@pytest.fixture
def by_user(authorized_user):
    return RecordedBy.portal_user(authorized_user)
