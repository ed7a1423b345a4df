import itertools

from hypothesis import given
from hypothesis import strategies as st

from packages import order_codes
from packages.order_codes import ALPHABET, CODE_LENGTH

codes = st.text(alphabet=ALPHABET, min_size=8, max_size=8).map(
    lambda p: p + order_codes.check_character(p)
)


def test_generated_codes_are_valid_short_and_unambiguous():
    generated = {order_codes.generate() for _ in range(2000)}
    assert len(generated) == 2000  # random, not colliding
    for code in generated:
        assert len(code) == CODE_LENGTH == 9
        assert order_codes.is_valid(code)
        assert not set(code) & set("0O1IİL2Z5S8BQU")


def test_codes_are_not_sequential():
    """A counter would make every next code larger; random codes go up about half the time."""
    sequence = [order_codes.generate() for _ in range(400)]
    rising = sum(a < b for a, b in itertools.pairwise(sequence))
    assert 120 < rising < 280


@given(codes, st.integers(min_value=0, max_value=CODE_LENGTH - 1), st.sampled_from(ALPHABET))
def test_every_single_character_typo_is_detected(code, position, replacement):
    if code[position] == replacement:
        return
    typo = code[:position] + replacement + code[position + 1 :]
    assert not order_codes.is_valid(typo)


@given(
    codes,
    st.integers(min_value=0, max_value=CODE_LENGTH - 1),
    st.integers(min_value=0, max_value=CODE_LENGTH - 1),
)
def test_swaps_of_two_characters_are_detected(code, i, j):
    if code[i] == code[j]:
        return
    chars = list(code)
    chars[i], chars[j] = chars[j], chars[i]
    assert not order_codes.is_valid("".join(chars))


def test_every_single_typo_and_adjacent_swap_exhaustively():
    code = order_codes.generate()
    for position in range(CODE_LENGTH):
        for replacement in ALPHABET:
            if replacement != code[position]:
                typo = code[:position] + replacement + code[position + 1 :]
                assert not order_codes.is_valid(typo), typo
    for a in ALPHABET:
        for b in ALPHABET:
            if a != b:
                payload = a + b + "CDEFGH"
                swapped = b + a + "CDEFGH"
                assert not order_codes.is_valid(swapped + order_codes.check_character(payload))


def test_known_typo_and_normalisation():
    code = "K7MPX9RT" + order_codes.check_character("K7MPX9RT")
    assert order_codes.is_valid(code)
    assert order_codes.is_valid(f" {code[:4].lower()}-{code[4:]} ")
    assert not order_codes.is_valid("K7MPX9RA" + code[-1])
    assert not order_codes.is_valid(code[:-1])
    assert not order_codes.is_valid(code.replace("K", "0"))


def test_codes_are_found_in_bank_descriptions():
    code = order_codes.generate()
    text = f"EFT {code} ANADOLU TEKSTIL SAN VE TIC AS"
    assert order_codes.find_in_text(text) == [code]
    wrong = code[:-1] + next(c for c in ALPHABET if c != code[-1])
    assert order_codes.find_in_text(f"EFT {wrong} ANADOLU") == []
