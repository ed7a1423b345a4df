"""The support desk (group "Destek") works İLETİ+ quote requests in the admin: it sees them
and prices them (product.md: quote requests belong to support)."""

from django.db import migrations

GROUP = "Destek"
PERMISSIONS = [
    ("view_quoterequest", "Can view İLETİ+ teklif talebi"),
    ("price_quoterequest", "İLETİ+ teklifi fiyatlandırıp gönderebilir"),
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    content_type, _ = ContentType.objects.get_or_create(app_label="packages", model="quoterequest")
    for codename, name in PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label="packages", codename__in=[c for c, _ in PERMISSIONS]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("packages", "0003_quote_offers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
