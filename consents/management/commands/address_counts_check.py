"""Recompute every provider's address count from the consents and compare with the counters.

Exit status 1 when any counter differs (so a cron job or CI notices); ``--fix`` corrects them.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ServiceProvider
from consents.services import address_counters_recount


class Command(BaseCommand):
    help = "Adres sayaçlarını izinlerden yeniden sayar ve karşılaştırır."

    def add_arguments(self, parser):
        parser.add_argument("--provider", type=int, help="yalnızca bu İYS kodu")
        parser.add_argument("--fix", action="store_true", help="farklı sayaçları düzelt")

    def handle(self, *args, provider=None, fix=False, **options):
        providers = ServiceProvider.objects.filter(consents__isnull=False).distinct()
        if provider is not None:
            providers = ServiceProvider.objects.filter(iys_code=provider)
        mismatches = 0
        for sp in providers.order_by("pk"):
            report = address_counters_recount(service_provider=sp, fix=fix)
            for kind, (stored, recounted) in sorted(report.items()):
                if stored != recounted:
                    mismatches += 1
                    self.stdout.write(
                        f"{sp.iys_code} {kind}: sayaç {stored}, yeniden sayım {recounted}"
                        + (" (düzeltildi)" if fix else "")
                    )
        if mismatches and not fix:
            raise CommandError(f"{mismatches} sayaç yeniden sayımla uyuşmuyor.")
        self.stdout.write(f"Tamam: {providers.count()} hizmet sağlayıcı denetlendi.")
