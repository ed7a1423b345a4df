"""Two posts of the same batch with the same Idempotency-Key at the same moment, on
PostgreSQL: one batch, its rows recorded once."""

import threading

import pytest
from django.db import connection

from consents.models import ConsentEvent
from integration.access import Right, access_check
from integration.models import ApiBatch
from integration.services import batch_submit

from .conftest import consent_body, make_world


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_key_posted_in_parallel_is_processed_once(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    world = make_world()
    rows = [consent_body(f"+90532555{i:04d}") for i in range(50)]
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def post():
        try:
            access = access_check(
                api_user=world.api_user,
                iys_code=world.provider.iys_code,
                brand_code=world.brand.code,
                right=Right.WRITE,
                log={},
            )
            barrier.wait()
            batch = batch_submit(
                access=access,
                api_user=world.api_user,
                rows=rows,
                body=b"the same body",
                idempotency_key="paralel-1",
            )
            answers.append(batch.request_id)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len(answers) == 2 and answers[0] == answers[1]
    assert ApiBatch.objects.count() == 1
    batch = ApiBatch.objects.get()
    assert batch.status == ApiBatch.Status.DONE
    assert [r["status"] for r in batch.results] == ["success"] * 50
    assert ConsentEvent.objects.filter(recipient__startswith="+90532555").count() == 50
