import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.validators import (
    iban_check_digits,
    is_valid_mersis,
    is_valid_tckn,
    is_valid_tr_iban,
    is_valid_vkn,
    normalize_tr_phone,
    tckn_check_digits,
    validate_tax_number,
    validate_tckn,
    validate_tr_iban,
    validate_tr_mobile,
    vkn_check_digit,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize("value", ["10000000146", "12345678950", "11111111110"])
def test_known_valid_tckns(value):
    assert is_valid_tckn(value)


@pytest.mark.parametrize(
    "value",
    ["10000000147", "01234567890", "1000000014", "100000001460", "1000000014a", "", "00000000000"],
)
def test_known_invalid_tckns(value):
    assert not is_valid_tckn(value)


@given(nine_digits.filter(lambda s: s[0] != "0"))
def test_tckn_with_computed_check_digits_is_valid(first_nine):
    assert is_valid_tckn(first_nine + tckn_check_digits(first_nine))


@given(nine_digits.filter(lambda s: s[0] != "0"), st.integers(0, 10), st.integers(1, 9))
def test_tckn_single_digit_change_is_rejected(first_nine, position, delta):
    valid = first_nine + tckn_check_digits(first_nine)
    changed_digit = str((int(valid[position]) + delta) % 10)
    tampered = valid[:position] + changed_digit + valid[position + 1 :]
    assert not is_valid_tckn(tampered)


@pytest.mark.parametrize("value", ["1234567890", "9876543217", "1112223339"])
def test_known_valid_vkns(value):
    assert is_valid_vkn(value)


@pytest.mark.parametrize("value", ["1234567891", "123456789", "12345678901", "12345678a0"])
def test_known_invalid_vkns(value):
    assert not is_valid_vkn(value)


@given(nine_digits)
def test_vkn_with_computed_check_digit_is_valid(first_nine):
    assert is_valid_vkn(first_nine + vkn_check_digit(first_nine))


@given(nine_digits, st.integers(1, 9))
def test_vkn_wrong_check_digit_is_rejected(first_nine, delta):
    wrong = str((int(vkn_check_digit(first_nine)) + delta) % 10)
    assert not is_valid_vkn(first_nine + wrong)


def test_tax_number_accepts_vkn_and_sole_proprietor_tckn():
    validate_tax_number("1234567890")
    validate_tax_number("10000000146")
    with pytest.raises(ValidationError) as exc:
        validate_tax_number("1234567891")
    assert "vergi kimlik numarası" in str(exc.value)


def test_mersis_is_sixteen_digits():
    assert is_valid_mersis("0123456789000015")
    assert not is_valid_mersis("012345678900001")
    assert not is_valid_mersis("012345678900001x")


@pytest.mark.parametrize(
    "value", ["TR330006100519786457841326", "tr33 0006 1005 1978 6457 8413 26"]
)
def test_known_valid_ibans(value):
    assert is_valid_tr_iban(value)


@pytest.mark.parametrize(
    "value",
    [
        "TR330006100519786457841327",  # check digits do not match
        "DE89370400440532013000",  # not Turkish
        "TR33000610051978645784132",  # too short
        "TR330006110519786457841326",  # reserved digit after the bank code must be 0
    ],
)
def test_known_invalid_ibans(value):
    assert not is_valid_tr_iban(value)


@given(
    st.text(alphabet="0123456789", min_size=5, max_size=5),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVYZ", min_size=16, max_size=16),
)
def test_iban_with_computed_check_digits_is_valid(bank, account):
    bban = bank + "0" + account
    assert is_valid_tr_iban("TR" + iban_check_digits("TR", bban) + bban)


@given(
    st.text(alphabet="0123456789", min_size=5, max_size=5),
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.integers(4, 25),
    st.integers(1, 9),
)
def test_iban_single_digit_change_is_rejected(bank, account, position, delta):
    bban = bank + "0" + account
    valid = "TR" + iban_check_digits("TR", bban) + bban
    if position == 9:  # the reserved zero: changing it is caught by the format check
        position = 10
    tampered = valid[:position] + str((int(valid[position]) + delta) % 10) + valid[position + 1 :]
    assert not is_valid_tr_iban(tampered)


def test_validators_speak_turkish():
    with pytest.raises(ValidationError) as tckn_error:
        validate_tckn("123")
    assert "T.C. kimlik numarası" in str(tckn_error.value)
    with pytest.raises(ValidationError) as iban_error:
        validate_tr_iban("TR00")
    assert "IBAN" in str(iban_error.value)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0532 123 45 67", "+905321234567"),
        ("5321234567", "+905321234567"),
        ("+90 (532) 123-45-67", "+905321234567"),
    ],
)
def test_phone_normalization(raw, normalized):
    assert normalize_tr_phone(raw) == normalized
    validate_tr_mobile(raw)


def test_landline_is_not_a_mobile():
    with pytest.raises(ValidationError):
        validate_tr_mobile("0212 555 01 01")
