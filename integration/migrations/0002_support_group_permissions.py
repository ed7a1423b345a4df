"""Support (group "Destek") creates, disables and revokes integrators' API users and reads
their access log and batches in the admin."""

from django.db import migrations

GROUP = "Destek"
PERMISSIONS = {
    "apiuser": [
        ("view_apiuser", "Can view API kullanıcısı"),
        ("add_apiuser", "Can add API kullanıcısı"),
        ("change_apiuser", "Can change API kullanıcısı"),
    ],
    "accesslog": [("view_accesslog", "Can view API erişim kaydı")],
    "apibatch": [("view_apibatch", "Can view API toplu isteği")],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for model, perms in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="integration", model=model)
        for codename, name in perms:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="integration")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0001_api_users_tokens_batches_access_log"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
