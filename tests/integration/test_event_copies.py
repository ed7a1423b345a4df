"""The integration API's writers (single add, batch) copy the consent's values into its
events (see tests/consents/test_event_copies.py)."""

from tests.consents.test_event_copies import assert_event_copies

from .conftest import KNOWN, Api, consent_body


def test_api_single_and_batch_writes_copy_the_consents_values(
    client, world, django_capture_on_commit_callbacks
):
    api = Api(client, world.token)
    base = f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents"
    assert api.post(base, consent_body("+905320000031")).status_code == 200
    assert api.post(base, consent_body(KNOWN, status="RET")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{base}/request",
            [consent_body("+905320000032"), consent_body("+905320000031", status="RET")],
        )
    assert response.status_code == 200, response.content
    assert_event_copies()
