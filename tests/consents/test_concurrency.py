"""PostgreSQL: two uploads for one company running in parallel, single adds in between; the
counter equals a full recount afterwards and no row is lost or doubled."""

import contextlib
import random
import threading

import pytest
from django.db import connection

from consents.models import Consent, UploadBatch
from consents.selectors import address_count_for, address_recount
from consents.services import ConsentRefused, RecordedBy, consent_add
from consents.uploads import upload_create, upload_process, upload_set_mapping
from tests.consents.test_uploads import csv_file
from tests.factories import BrandFactory, MembershipFactory, ServiceProviderFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HEADER = ["recipient", "type", "recipientType", "status", "source", "consentDate"]


def random_rows(seed: int, count: int) -> list[list[str]]:
    rng = random.Random(seed)
    rows = [HEADER]
    for _ in range(count):
        n = rng.randrange(400)
        channel = rng.choice(["MESAJ", "ARAMA", "EPOSTA"])
        recipient = f"kisi{n}@ornek.com" if channel == "EPOSTA" else f"0532 000 {n:04d}"
        rows.append(
            [
                recipient,
                channel,
                "BIREYSEL",
                rng.choice(["ONAY", "ONAY", "RET"]),
                "HS_WEB",
                f"2024-0{rng.randrange(1, 9)}-{rng.randrange(10, 28)} 10:00:00",
            ]
        )
    return rows


def queued(provider, brand, user, rows):
    batch = upload_create(
        service_provider=provider, brand_id=brand.pk, uploaded=csv_file(rows), actor=user
    )
    # The mapping's on_commit would run the task at once; queue both first, run them together.
    UploadBatch.objects.filter(pk=batch.pk).update(status=UploadBatch.Status.MAPPING)
    upload_set_mapping(service_provider=provider, upload_id=batch.pk, mapping=batch.mapping)
    UploadBatch.objects.filter(pk=batch.pk).update(status=UploadBatch.Status.QUEUED)
    return batch


def test_two_parallel_uploads_and_adds_keep_the_counter_exact(monkeypatch):
    monkeypatch.setattr("consents.uploads.BATCH_SIZE", 150)
    monkeypatch.setattr("consents.tasks.process_upload.delay", lambda pk: None)
    provider = ServiceProviderFactory()
    user = MembershipFactory(service_provider=provider).user
    brands = [BrandFactory(service_provider=provider), BrandFactory(service_provider=provider)]
    batches = [queued(provider, brands[i % 2], user, random_rows(i, 1500)) for i in range(2)]
    errors = []
    barrier = threading.Barrier(3)

    def run_upload(batch_id):
        try:
            barrier.wait()
            upload_process(upload_id=batch_id)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    def run_adds():
        rng = random.Random(99)
        try:
            barrier.wait()
            for _ in range(60):
                n = rng.randrange(400)
                with contextlib.suppress(ConsentRefused):
                    consent_add(
                        service_provider=provider,
                        brand_id=rng.choice(brands).pk,
                        recipient=f"0532 000 {n:04d}",
                        channel="MESAJ",
                        recipient_type="BIREYSEL",
                        status=rng.choice(["ONAY", "RET"]),
                        source="HS_WEB",
                        consent_date=f"2024-09-{rng.randrange(1, 28):02d} 10:00:00",
                        recorded_by=RecordedBy.portal_user(user),
                    )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_upload, args=(b.pk,)) for b in batches]
    threads.append(threading.Thread(target=run_adds))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    for batch in batches:
        batch.refresh_from_db()
        assert batch.status == UploadBatch.Status.DONE, batch.error
        assert batch.processed_rows == 1500
    count = address_count_for(service_provider=provider)
    recount = address_recount(service_provider=provider)
    assert (count.phones, count.emails) == (recount["phone"], recount["email"])
    assert count.phones > 0 and count.emails > 0
    assert Consent.objects.values("brand", "recipient", "channel").distinct().count() == (
        Consent.objects.count()
    )
