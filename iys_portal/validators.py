"""Free text that other people read (brand names, company titles, names, reasons).

Such text must look the same to everyone who reads it: no control characters, no terminal
escape sequences (ESC …), no bidirectional overrides or isolates (U+202A–U+202E,
U+2066–U+2069) or other invisible format characters that reorder or hide what is shown.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode categories never shown as themselves: controls (C0, DEL, C1), format characters (bidi
# marks, overrides and isolates, zero-width characters, BOM), line/paragraph separators,
# surrogates, private use and unassigned code points.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_LINE_BREAKS = frozenset("\t\r\n")


def hidden_characters(value: str, *, multiline: bool = False) -> list[str]:
    allowed = _LINE_BREAKS if multiline else frozenset()
    return [
        char
        for char in str(value)
        if char not in allowed and unicodedata.category(char) in _HIDDEN_CATEGORIES
    ]


def _raise_for(value: str, *, multiline: bool) -> None:
    found = hidden_characters(value, multiline=multiline)
    if found:
        raise ValidationError(
            _(
                "Denetim karakterleri, kaçış dizileri ya da yazı yönünü değiştiren görünmez "
                "karakterler kullanılamaz (ör. %(codes)s)."
            ),
            code="hidden_characters",
            params={"codes": ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(found))[:80]},
        )


def validate_display_text(value: str) -> None:
    """One line of text shown to others (names, titles): no control or bidi characters."""
    _raise_for(value, multiline=False)


def validate_display_multiline_text(value: str) -> None:
    """Several lines shown to others (reasons, notes): tab and line breaks are allowed."""
    _raise_for(value, multiline=True)
