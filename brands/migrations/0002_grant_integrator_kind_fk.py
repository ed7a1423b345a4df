"""On PostgreSQL, a composite foreign key (integrator_id, kind) → integrator (id, kind).

Together with the check constraint ``grant_ahs_read_only`` this makes any non-read-only grant to
an AHS impossible at the database level: a grant's kind cannot differ from its integrator's, and
an AHS-kind grant can only read. (SQLite cannot add constraints to an existing table; there the
services keep the kinds equal, and CI runs on PostgreSQL.)
"""

from django.db import migrations

CONSTRAINT = "grant_kind_matches_integrator"


def add_fk(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE brands_grant ADD CONSTRAINT {CONSTRAINT} "
        "FOREIGN KEY (integrator_id, kind) REFERENCES brands_integrator (id, kind)"
       
    )


def drop_fk(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE brands_grant DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("brands", "0001_initial")]

    operations = [migrations.RunPython(add_fk, drop_fk, elidable=False)]
