"""Beat moves the access log's Redis buffer into PostgreSQL every 5 seconds
(integration.accesslog.access_log_flush). A run not started within 30 seconds (no worker free)
is dropped: the next one writes the same rows."""

from django.db import migrations

NAME = "Entegrasyon: API erişim kayıtlarını veritabanına aktar"
TASK = "integration.access_log_flush"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=5, period="seconds")
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={"task": TASK, "interval": schedule, "enabled": True, "expire_seconds": 30},
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0003_access_log_flush"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
