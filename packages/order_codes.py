"""Order codes (R4): what a customer types into a bank transfer description.

A code is 8 random characters and 1 check character, e.g. ``K7MPX9RT4``:

* short enough to type and to fit a bank description next to the company title;
* **unambiguous**: the alphabet leaves out characters that people or OCR confuse
  (0/O/Q/D is kept as D only, 1/I/İ/L, 2/Z, 5/S, 8/B), and every letter is the same in
  Turkish and English upper case (no I/İ problem);
* **non-sequential**: the random part comes from ``secrets`` (24^8 ≈ 1.1·10^11 codes), so a code
  says nothing about how many orders exist and cannot be guessed from another;
* **checked**: the last character is a Luhn mod-N check character, which detects every
  single-character typo and every swap of two adjacent different characters, so a
  mistyped code never silently matches another order.
"""

import re
import secrets

ALPHABET = "ACDEFGHJKMNPRTUVWXY34679"
RANDOM_LENGTH = 8
CODE_LENGTH = RANDOM_LENGTH + 1
_N = len(ALPHABET)
_INDEX = {char: i for i, char in enumerate(ALPHABET)}


def check_character(payload: str) -> str:
    """Luhn mod N over ``payload`` (characters of ALPHABET)."""
    factor = 2
    total = 0
    for char in reversed(payload):
        addend = factor * _INDEX[char]
        total += addend // _N + addend % _N
        factor = 1 if factor == 2 else 2
    return ALPHABET[(_N - total % _N) % _N]


def generate() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return payload + check_character(payload)


def normalize(text: str) -> str:
    """Upper-case and drop spaces and dashes, as people write codes in bank descriptions."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def is_valid(code: str) -> bool:
    code = normalize(code)
    if len(code) != CODE_LENGTH or any(char not in _INDEX for char in code):
        return False
    return check_character(code[:-1]) == code[-1]


def find_in_text(text: str) -> list[str]:
    """Every valid code appearing in a free-text bank description."""
    upper = (text or "").upper()
    candidates = re.findall(rf"(?<![A-Z0-9])[{ALPHABET}]{{{CODE_LENGTH}}}(?![A-Z0-9])", upper)
    return [code for code in candidates if is_valid(code)]
