"""Beat queues again, every 10 minutes, the e-mail notices whose attempt failed
(iys_portal.notices.notices_requeue_stale)."""

from django.db import migrations

NAME = "Portal: gönderilemeyen e-posta bildirimlerini yeniden dene"
TASK = "iys_portal.requeue_stale_notices"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": schedule, "enabled": True}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [("iys_portal", "0003_release_held_tasks_schedule")]

    operations = [migrations.RunPython(create, remove)]
