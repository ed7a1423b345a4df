"""Bank transfer (Havale/EFT) writes: the accounting desk's confirm / reject and the reminders."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ACCOUNTING_GROUP = "Muhasebe"
# What accounting staff may do in the admin; mirrored by the payments data migrations.
ACCOUNTING_PERMISSIONS = ["add_bankaccount", "change_bankaccount", "view_bankaccount"]


@transaction.atomic
def accounting_group_sync() -> Group:
    """Make sure the "Muhasebe" group exists with exactly the accounting permissions."""
    group, _ = Group.objects.get_or_create(name=ACCOUNTING_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="payments", codename__in=ACCOUNTING_PERMISSIONS
    )
    group.permissions.add(*permissions)
    return group
