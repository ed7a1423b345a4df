from django.core.management.base import BaseCommand
from django.db import transaction

from iys_portal.seeding import app_modules


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        # Each app seeds its own demo data in ``<app>/demo.py`` (see iys_portal.seeding).
        for module in app_modules("demo"):
            self.stdout.write(self.style.MIGRATE_HEADING(f"{module.__package__}:"))
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo verisi hazır."))
