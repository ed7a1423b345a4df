"""The support desk (group "Destek") works authorization requests in the admin.

Permissions are normally created after migrations run; create the ones needed here so that a
fresh production database gets a usable group too.
"""

from django.db import migrations

GROUP = "Destek"
PERMISSIONS = {
    "authorizationrequest": [
        ("view_authorizationrequest", "Can view yetkilendirme talebi"),
        ("decide_authorizationrequest", "Yetkilendirme taleplerini onaylayabilir/reddedebilir"),
    ],
    "serviceprovider": [("view_serviceprovider", "Can view hizmet sağlayıcı")],
    "membership": [("view_membership", "Can view üyelik")],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for model, perms in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model=model)
        for codename, name in perms:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    group.permissions.remove(
        *group.permissions.filter(
            content_type__app_label="accounts",
            codename__in=[c for perms in PERMISSIONS.values() for c, _ in perms],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_authorization_request"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
