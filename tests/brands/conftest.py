import pytest

from tests.factories import SubscriptionFactory


@pytest.fixture
def active_package(provider):
    """``provider`` holds an active İLETİ package (bought 30 days ago, for a year)."""
    return SubscriptionFactory(service_provider=provider)
