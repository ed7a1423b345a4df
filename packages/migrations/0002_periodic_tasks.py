"""Register the daily package tasks with django-celery-beat (editable in the admin)."""

from django.db import migrations

TASKS = [
    # name shown in the admin, task, hour (Europe/Istanbul)
    ("Paket: süresi dolan banka transferi siparişleri", "packages.expire_overdue_orders", "1"),
    ("Paket: süresi biten abonelikler", "packages.lapse_subscriptions", "2"),
    ("Paket: bitiş hatırlatmaları (30/7/1 gün)", "packages.record_subscription_reminders", "9"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour in TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute="5",
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Istanbul",
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "enabled": True}
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("packages", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
