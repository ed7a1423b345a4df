"""Order codes: what a customer types into a bank transfer description.

A code is 8 random characters and 1 check character, e.g. ``K7MPX9RT4``:

* short enough to type and to fit a bank description next to the company title;
* **unambiguous**: the alphabet leaves out characters that people or OCR confuse
  (0/O/Q/D is kept as D only, 1/I/İ/L, 2/Z, 5/S, 8/B), and every letter is the same in
  Turkish and English upper case (no I/İ problem);
* **non-sequential**: the random part comes from ``secrets`` (23^8 ≈ 7.8·10^10 codes), so a code
  says nothing about how many orders exist and cannot be guessed from another;
* **checked**: the alphabet has a prime number of characters (23) and the last character makes
  the position-weighted sum (weights 1…9) divisible by 23. Because 23 is prime and the weights
  are distinct and below 23, every single-character typo and every swap of two different
  characters (adjacent or not) changes the sum, so a mistyped code never silently matches
  another order. (Luhn mod N, tried first, misses some adjacent swaps.)
"""

import re
import secrets

ALPHABET = "ACDEFGHJKMNPRTVWXY34679"  # 23, a prime; U left out (U/V)
RANDOM_LENGTH = 8
CODE_LENGTH = RANDOM_LENGTH + 1
_N = len(ALPHABET)
_INDEX = {char: i for i, char in enumerate(ALPHABET)}


def _weighted_sum(code: str) -> int:
    return sum(weight * _INDEX[char] for weight, char in enumerate(code, start=1))


def check_character(payload: str) -> str:
    """The character that makes the weighted sum of ``payload`` + it divisible by 23."""
    # 9 · c ≡ −Σ (mod 23)  →  c = −Σ · 9⁻¹ (mod 23)
    weight = len(payload) + 1
    value = (-_weighted_sum(payload) * pow(weight, -1, _N)) % _N
    return ALPHABET[value]


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
    return _weighted_sum(code) % _N == 0


def find_in_text(text: str) -> list[str]:
    """Every valid code appearing in a free-text bank description."""
    upper = (text or "").upper()
    candidates = re.findall(rf"(?<![A-Z0-9])[{ALPHABET}]{{{CODE_LENGTH}}}(?![A-Z0-9])", upper)
    return [code for code in candidates if is_valid(code)]
