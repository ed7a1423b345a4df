import pytest

from consents.services import RecordedBy
from consents.uploads import upload_create, upload_set_mapping
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


@pytest.fixture
def run_upload(django_capture_on_commit_callbacks):
    """Upload a file with the standard columns and run its task; the batch as finished."""

    def run(provider, brand, user, uploaded):
        with django_capture_on_commit_callbacks(execute=True):
            batch = _upload(provider, brand, user, uploaded)
        batch.refresh_from_db()
        return batch

    return run


def _upload(provider, brand, user, uploaded):
    batch = upload_create(
        service_provider=provider, brand_id=brand.pk, uploaded=uploaded, actor=user
    )
    assert batch.mapping == {
        f: i
        for i, f in enumerate(
            ["recipient", "type", "recipientType", "status", "source", "consentDate"]
        )
    }
    upload_set_mapping(service_provider=provider, upload_id=batch.pk, mapping=batch.mapping)
    return batch
