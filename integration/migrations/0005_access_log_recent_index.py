"""The newest access-log rows without sorting the whole log (the admin's list). Built
CONCURRENTLY on PostgreSQL: the log takes a row for every API call, and a plain CREATE INDEX
would hold its writes (the flush) for as long as it takes on millions of rows."""

from django.db import migrations, models

INDEX = models.Index(fields=["-at", "-id"], name="accesslog_recent_idx")


def add(apps, schema_editor):
    model = apps.get_model("integration", "AccessLog")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def remove(apps, schema_editor):
    model = apps.get_model("integration", "AccessLog")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("integration", "0004_access_log_flush_schedule")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add, remove)],
            state_operations=[migrations.AddIndex(model_name="accesslog", index=INDEX)],
        )
    ]
