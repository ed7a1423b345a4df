from django.core.management.base import BaseCommand

from iys_portal.task_outbox import held_tasks_release


class Command(BaseCommand):
    help = "Send the Celery tasks held in the outbox while the broker was unreachable."

    def handle(self, *args, **options):
        sent = held_tasks_release()
        self.stdout.write(f"{sent} held task(s) sent.")
