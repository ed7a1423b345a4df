"""Admin pieces shared by every app."""


class ReadOnlyAdminMixin:
    """Staff may look but not add, change or delete: the rows change only through services
    (with who and when). Works for a ModelAdmin and an inline alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
