from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app seeds its own demo data in ``<app>/demo.py: seed(*, stdout)``, in dependency order.
SEED_ORDER = ["accounts", "packages", "payments", "brands", "integration"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        for app in SEED_ORDER:
            if find_spec(f"{app}.demo") is None:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{app}:"))
            import_module(f"{app}.demo").seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo verisi hazır."))
