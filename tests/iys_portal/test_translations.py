"""The translation catalogues are complete and in step with the code.

Refresh them with ``.venv/bin/python manage.py makemessages -l tr -l en`` (the project's own
``makemessages`` knows what to scan); this module then lists every string left to translate.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LANGUAGES = ("en", "tr")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# What the copy of the project needs for makemessages: the product's code and catalogues.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", "*.mo", "tests", "bench", "static", "staticfiles",
    "var", "media", "db.sqlite3", ".pytest_cache", ".ruff_cache", "*.egg-info",
)  # fmt: skip


def catalogue_path(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"


def load(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def entry_label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{file}:{line}" for file, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    catalogue = load(catalogue_path(language))

    untranslated = [entry_label(e) for e in catalogue.untranslated_entries()]
    fuzzy = [entry_label(e) for e in catalogue.fuzzy_entries()]
    obsolete = [entry_label(e) for e in catalogue.obsolete_entries()]

    assert len(catalogue) > 800
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: {fuzzy}"
    assert not obsolete, f"obsolete entries in {language}: {obsolete}"
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_plural_forms_survive_translation(language):
    catalogue = load(catalogue_path(language))
    broken = []
    for entry in catalogue:
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
            assert set(entry.msgstr_plural) == {0, 1}, entry_label(entry)
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translated in pairs:
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(translated)):
                broken.append(f"{source!r} → {translated!r}")
    assert not broken, broken


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_catalogue(language, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, (
        "GNU gettext (msgfmt) is needed to compile the catalogues: apt-get install gettext"
    )
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(catalogue_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_english_is_english():
    """An English msgstr that is still the Turkish source is an untranslated string in disguise;
    only names (İYS Portal, IBAN, the language names, banks, MERSİS …) read the same in both."""
    same = {
        e.msgid for e in load(catalogue_path("en")) if e.msgstr == e.msgid and not e.msgid_plural
    }
    turkish = {text for text in same if re.search(r"[çğıöşüÇĞİÖŞÜ]", text)}
    names = {"İYS Portal", "İleti Yönetim Sistemi", "Türkçe", "İYS", "MERSİS"}
    banks = {"Türkiye İş Bankası", "VakıfBank", "Yapı Kredi", "Ziraat Bankası"}
    assert turkish <= names | banks, turkish


def test_catalogues_hold_exactly_the_strings_the_code_uses(tmp_path):
    """makemessages over a copy of the project finds no string the catalogues lack (a template or
    Python string was added without refreshing them) and none they hold in vain."""
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    copy = tmp_path / "project"
    shutil.copytree(settings.BASE_DIR, copy, ignore=NOT_COPIED, symlinks=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-l", "tr", "-v", "0"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    for language in LANGUAGES:
        committed = {(e.msgid, e.msgid_plural) for e in load(catalogue_path(language))}
        fresh = load(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        found = {(e.msgid, e.msgid_plural) for e in fresh}
        missing = sorted(found - committed)
        stale = sorted(committed - found)
        assert not missing, f"{language}: strings in the code but not in the catalogue: {missing}"
        assert not stale, f"{language}: strings in the catalogue that no code uses: {stale}"


# Django's own messages in the portal's tone --------------------------------------------------


def test_djangos_form_messages_speak_the_portals_tone_in_turkish():
    from django import forms

    class Form(forms.Form):
        email = forms.EmailField()
        website = forms.URLField(assume_scheme="https")
        name = forms.CharField(max_length=3)
        pdf = forms.FileField()

    with translation.override("tr"):
        errors = Form({"email": "x", "website": "nope", "name": "abcd"}).errors
        messages = [str(m) for field in errors.values() for m in field]

    assert messages == [
        "Geçerli bir e-posta adresi giriniz.",
        "Geçerli bir web adresi giriniz (ör. https://www.ornek.com.tr).",
        "En fazla 3 karakter giriniz (şu an 4 karakter).",
        "Bu alanı doldurunuz.",
    ]


def test_every_overridden_django_message_is_an_instruction_in_the_portals_tone():
    from iys_portal import django_messages

    with translation.override("tr"):
        texts = [
            translation.gettext(m)
            if isinstance(m, str)
            else m % {"limit_value": 2, "show_value": 1}
            for m in django_messages.FIELD_MESSAGES
        ]
    assert len(texts) == len(django_messages.FIELD_MESSAGES) > 10
    tone = re.compile(r"\b\w+(iniz|ınız|unuz|ünüz)\b")
    assert all(tone.search(text) for text in texts), texts


def test_django_messages_stay_djangos_in_english():
    from django import forms

    class Form(forms.Form):
        email = forms.EmailField()

    with translation.override("en"):
        assert Form({}).errors["email"] == ["This field is required."]


def test_turkish_catalogue_keeps_djangos_own_turkish():
    """Our catalogue wins over Django's: an admin string we re-use (an overridden admin
    template's «Search») must carry Django's Turkish («Ara»), not the English source."""
    import django

    django_tr = {}
    root = Path(django.__file__).parent
    for path in (
        root / "contrib/admin/locale/tr/LC_MESSAGES/django.po",
        root / "conf/locale/tr/LC_MESSAGES/django.po",
    ):
        for entry in load(path):
            django_tr.setdefault(entry.msgid, entry)
    left_english = sorted(
        e.msgid
        for e in load(catalogue_path("tr"))
        if e.msgid in django_tr
        and e.msgstr == e.msgid
        and django_tr[e.msgid].msgstr not in ("", e.msgid)
        and e.msgid != "English"  # the language switcher names each language in its own
    )
    assert not left_english, left_english
