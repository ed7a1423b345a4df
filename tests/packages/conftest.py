import pytest

from tests.factories import ContractVersionFactory, PromotionFactory, catalog


@pytest.fixture
def packages(db):
    """The real catalog, keyed by code (ileti-5 … ileti-250, ileti-plus); no promotion."""
    return catalog()


@pytest.fixture
def promotion(packages):
    return PromotionFactory(packages=[packages["ileti-25"], packages["ileti-75"]])


@pytest.fixture
def contract(db):
    return ContractVersionFactory(version="2026.1")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Rendered contracts go to a temporary MEDIA_ROOT, not the work tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
