"""``makemessages`` with the portal's defaults, so refreshing the catalogues is one command:

    .venv/bin/python manage.py makemessages -l tr -l en

Only the product's own code is scanned (tests, benchmarks, collected static files and local
data are not part of the catalogue), the files are written without line wrapping, entries whose
string left the code are dropped and new strings arrive empty (never guessed and fuzzy), so the
catalogue is exactly what the code uses and ``tests/iys_portal/test_translations.py`` lists what
is left to translate.
"""

from django.core.management.commands import makemessages

PORTAL_IGNORE_PATTERNS = [
    ".venv",
    "venv",
    "node_modules",
    "tests",
    "bench",
    "staticfiles",
    "static",
    "var",
    "media",
]


class Command(makemessages.Command):
    # A new string arrives untranslated rather than pre-filled with a neighbour's translation
    # and marked fuzzy: an empty msgstr is what the completeness test reports.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *PORTAL_IGNORE_PATTERNS]
        if options.get("domain", "django") == "django":
            options["no_obsolete"] = True
            options["no_wrap"] = True
        return super().handle(*args, **options)
