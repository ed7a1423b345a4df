import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iys_portal.settings")

# Every task holds its send in the outbox when the broker is down (iys_portal.task_outbox).
app = Celery("iys_portal", task_cls="iys_portal.task_outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
