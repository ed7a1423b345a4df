"""The registry's writes: idempotent, newer wins, older refused, RET after ONAY is a change,
the counter kept in the same transaction."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consents.models import AddressCounter, Consent, ConsentEvent
from consents.selectors import address_count_for, address_recount
from consents.services import ConsentRefused, Outcome, RecordedBy, consent_add
from tests.factories import BrandFactory, ServiceProviderFactory


def add(provider, brand, by, **fields):
    data = {
        "recipient": "0532 123 45 67",
        "channel": "MESAJ",
        "recipient_type": "BIREYSEL",
        "status": "ONAY",
        "source": "HS_WEB",
        "consent_date": "2024-03-01 10:00:00",
    }
    data.update(fields)
    return consent_add(service_provider=provider, brand_id=brand.pk, recorded_by=by, **data)


def test_first_add_creates_row_event_and_counts(provider, brand, by_user):
    result = add(provider, brand, by_user)
    assert result.outcome == Outcome.CREATED
    consent = Consent.objects.get()
    assert consent.recipient == "+905321234567"
    assert consent.recorded_by_id == by_user.user_id and consent.recorded_via == "web"
    event = ConsentEvent.objects.get()
    assert (event.action, event.status, event.previous_status) == ("created", "ONAY", "")
    assert event.transaction_id == consent.transaction_id
    assert address_count_for(service_provider=provider).phones == 1


def test_same_consent_twice_is_one_row_and_one_event(provider, brand, by_user):
    add(provider, brand, by_user)
    again = add(provider, brand, by_user, recipient="+90 532 123 45 67")
    assert again.outcome == Outcome.UNCHANGED
    assert Consent.objects.count() == 1 and ConsentEvent.objects.count() == 1
    assert address_count_for(service_provider=provider).phones == 1


def test_older_consent_is_refused_and_changes_nothing(provider, brand, by_user):
    add(provider, brand, by_user, consent_date="2024-03-01 10:00:00")
    with pytest.raises(ConsentRefused) as info:
        add(provider, brand, by_user, status="RET", consent_date="2024-02-01 10:00:00")
    assert info.value.code == "consent_older" and info.value.location == "consentDate"
    assert "2024-03-01 10:00:00" in str(info.value.message)
    assert Consent.objects.get().status == "ONAY" and ConsentEvent.objects.count() == 1


def test_same_date_different_status_is_refused(provider, brand, by_user):
    add(provider, brand, by_user)
    with pytest.raises(ConsentRefused) as info:
        add(provider, brand, by_user, status="RET")
    assert info.value.code == "consent_same_date"


def test_ret_after_onay_is_a_change_with_its_event_and_uncounts(provider, brand, by_user):
    add(provider, brand, by_user)
    result = add(provider, brand, by_user, status="RET", consent_date="2024-04-01 09:00:00")
    assert result.outcome == Outcome.CHANGED
    events = list(
        ConsentEvent.objects.order_by("id").values_list("action", "previous_status", "status")
    )
    assert events == [("created", "", "ONAY"), ("changed", "ONAY", "RET")]
    assert address_count_for(service_provider=provider).phones == 0


def test_one_recipient_counts_once_across_brands_and_phone_channels(
    provider, brand, other_brand, by_user
):
    add(provider, brand, by_user)
    add(provider, brand, by_user, channel="ARAMA")
    add(provider, other_brand, by_user)
    add(provider, brand, by_user, channel="EPOSTA", recipient="Ali@Örnek.com")
    count = address_count_for(service_provider=provider)
    assert (count.phones, count.emails, count.total) == (1, 1, 1)
    add(provider, brand, by_user, status="RET", consent_date="2024-05-01 10:00:00")
    assert address_count_for(service_provider=provider).phones == 1  # ARAMA and the other brand
    add(provider, brand, by_user, channel="ARAMA", status="RET", consent_date="2024-05-01 10:00:00")
    add(provider, other_brand, by_user, status="RET", consent_date="2024-05-01 10:00:00")
    assert address_count_for(service_provider=provider).phones == 0


def test_foreign_brand_is_refused(provider, by_user):
    foreign = BrandFactory(service_provider=ServiceProviderFactory())
    with pytest.raises(ConsentRefused) as info:
        add(provider, foreign, by_user)
    assert info.value.code == "brand_not_found"
    assert not Consent.objects.exists()


def test_invalid_field_refused_with_turkish_message(provider, brand, by_user):
    with pytest.raises(ConsentRefused) as info:
        add(provider, brand, by_user, recipient="0612 000 00 00")
    assert info.value.location == "recipient" and str(info.value.message).startswith("Alıcı:")
    assert not Consent.objects.exists() and not AddressCounter.objects.filter(count__gt=0).exists()


def test_api_client_and_tacir_without_date(provider, brand):
    by_api = RecordedBy.api_client(77)
    result = add(provider, brand, by_api, recipient_type="TACIR", source="", consent_date=None)
    assert result.consent.api_client_id == 77 and result.consent.consent_date is None
    assert add(
        provider, brand, by_api, recipient_type="TACIR", source="", consent_date=None
    ).outcome == (Outcome.UNCHANGED)
    changed = add(
        provider, brand, by_api, recipient_type="TACIR", source="", consent_date=None, status="RET"
    )
    assert changed.outcome == Outcome.CHANGED


def test_copy_keeps_a_quoted_address_with_backslash_and_tab_as_written(provider, brand, by_user):
    """New rows and events go in with COPY's text format: its escape characters round-trip."""
    quoted = '"a\\\\b\\\tc"@ornek.com'
    result = add(provider, brand, by_user, channel="EPOSTA", recipient=quoted)
    assert result.outcome == Outcome.CREATED
    assert Consent.objects.get().recipient == quoted
    assert ConsentEvent.objects.get().recipient == quoted
    assert add(provider, brand, by_user, channel="EPOSTA", recipient=quoted).outcome == (
        Outcome.UNCHANGED
    )


OPS = st.lists(
    st.tuples(
        st.integers(0, 1),  # brand
        st.sampled_from(["MESAJ", "ARAMA", "EPOSTA"]),
        st.integers(0, 3),  # recipient
        st.sampled_from(["ONAY", "RET"]),
        st.integers(1, 28),  # day: newer, same or older
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_counter_equals_recount_after_any_sequence(provider, brand, other_brand, by_user, ops):
    brands = [brand, other_brand]
    for brand_index, channel, who, status, day in ops:
        recipient = f"kisi{who}@ornek.com" if channel == "EPOSTA" else f"0532 000 00 0{who}"
        try:
            add(
                provider,
                brands[brand_index],
                by_user,
                channel=channel,
                recipient=recipient,
                status=status,
                consent_date=f"2024-02-{day:02d} 12:00:00",
            )
        except ConsentRefused as error:
            assert error.code in {"consent_older", "consent_same_date"}
    count = address_count_for(service_provider=provider)
    recount = address_recount(service_provider=provider)
    assert (count.phones, count.emails) == (recount["phone"], recount["email"])


def test_batch_transaction_ids_are_time_ordered_uuids_that_behave_as_uuids():
    import copy
    import pickle
    import time
    import uuid

    from consents.transaction_ids import new_transaction_ids

    before = time.time_ns() // 1_000_000
    made = list(new_transaction_ids(5000))
    later = list(new_transaction_ids(3))
    after = time.time_ns() // 1_000_000
    assert len({m.int for m in made + later}) == 5003
    # Increasing within a batch and from one batch to the next (the index takes them at its
    # right-hand edge), in their text and as PostgreSQL orders uuids (bytes).
    assert made == sorted(made) and [str(m) for m in made] == sorted(str(m) for m in made)
    assert made[-1] < later[0] or made[-1].int >> 80 == later[0].int >> 80
    assert all(before <= m.int >> 80 <= after for m in made + later)
    # 50 random bits after the millisecond and the counter.
    assert len({m.int & ((1 << 50) - 1) for m in made}) == 5000
    for value in made:
        plain = uuid.UUID(str(value))
        assert str(value) == uuid.UUID.__str__(value) and value == plain
        assert hash(value) == hash(plain) and value.version == 7
        assert value.variant == uuid.RFC_4122
        for again in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):  # noqa: S301
            assert type(again) is uuid.UUID and again == value
    with pytest.raises(ValueError):
        next(new_transaction_ids(1 << 25))
