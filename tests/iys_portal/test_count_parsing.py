"""Counts typed the Turkish way (issue 11 point 10): «150.000» is a hundred and fifty thousand,
never 150; anything unreadable is a Turkish error, never a guess."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from iys_portal.formatting import format_count, parse_count

MAX = 1_000_000_000
SEPARATORS = [".", " ", "\u00a0", "\u202f"]
TURKISH_ERRORS = {
    "Sayıyı küsuratsız olarak 150.000, 150 000 ya da 150000 biçiminde giriniz.",
    "Sayı negatif olamaz.",
    "En fazla 1.000.000.000 girebilirsiniz.",
}


def _error(text) -> str:
    with translation.override("tr"), pytest.raises(ValidationError) as caught:
        parse_count(text, max_value=MAX)
    return caught.value.messages[0]


@given(st.integers(min_value=0, max_value=MAX), st.sampled_from(SEPARATORS))
def test_every_count_written_the_turkish_way_reads_back_as_itself(number, separator):
    turkish = format_count(number)
    assert parse_count(turkish, max_value=MAX) == number
    assert parse_count(turkish.replace(".", separator), max_value=MAX) == number
    assert parse_count(str(number), max_value=MAX) == number
    assert parse_count(f"  {turkish}\u00a0", max_value=MAX) == number


@given(st.integers(min_value=MAX + 1, max_value=10**18))
def test_counts_above_the_limit_are_refused_in_turkish(number):
    assert _error(format_count(number)) == "En fazla 1.000.000.000 girebilirsiniz."
    assert _error(str(number)) == "En fazla 1.000.000.000 girebilirsiniz."


def _has_garbage(text: str) -> bool:
    return any(not (c.isdigit() or c.isspace() or c == ".") for c in text)


@given(st.text(min_size=1).filter(_has_garbage))
def test_garbage_gets_a_turkish_error(text):
    assert _error(text) in TURKISH_ERRORS


@pytest.mark.parametrize(
    "text",
    [
        "150,000",  # a decimal comma in Turkish: not a count
        "150.5",
        "1.50.000",
        "150.000.00",
        "0.150",
        "1.500 000",  # two kinds of separator
        "150  000",
        "١٥٠",  # Arabic-Indic digits: \d would take them, int() too
        "１５０",
        "1e5",
        "+5",
        "9.99" * 2000,
    ],
)
def test_near_misses_are_errors_not_guesses(text):
    assert _error(text) in TURKISH_ERRORS


def test_negative_and_empty():
    assert _error("-5") == "Sayı negatif olamaz."
    assert _error("-150.000") == "Sayı negatif olamaz."
    assert parse_count("", max_value=MAX) is None
    assert parse_count("   ", max_value=MAX) is None
    assert parse_count(None, max_value=MAX) is None


def test_a_huge_number_is_too_large_not_a_crash():
    # int() of 5000 digits raises ValueError on Python 3.11: it must never be reached.
    assert _error("9" * 5000) == "En fazla 1.000.000.000 girebilirsiniz."
    assert parse_count("000000000000000000150", max_value=MAX) == 150
