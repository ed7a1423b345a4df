"""``makemessages`` with the portal's defaults, so refreshing the catalogues is one command:

    .venv/bin/python manage.py makemessages -l tr -l en

Only the product's own code is scanned (tests, benchmarks, collected static files and local
data are not part of the catalogue), the files are written without line wrapping and entries
whose string left the code are dropped, so the catalogue is exactly what the code uses.
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
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *PORTAL_IGNORE_PATTERNS]
        if options.get("domain", "django") == "django":
            options["no_obsolete"] = True
            options["no_wrap"] = True
        return super().handle(*args, **options)
