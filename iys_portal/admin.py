"""Admin pieces shared by every app."""

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


class ReadOnlyAdminMixin:
    """Staff may look but not add, change or delete: the rows change only through services
    (with who and when). Works for a ModelAdmin and an inline alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeskRowsMixin:
    """A staff desk's changelist whose rows are rendered by one call per row (``desk_row``)
    instead of the admin's per-cell machinery (``items_for_result``: a field lookup, a display
    conversion and a template fragment for every cell). The markup is the admin's own, cell for
    cell (tests compare both); the headers, sorting, filters, search and pagination are the
    admin's. The desk's change_list template calls ``{% desk_result_list cl %}``.

    The default ``desk_row`` handles columns that are ModelAdmin methods and no row links
    (``list_display_links = None``), no actions and no list_editable; a desk with other columns
    overrides it.
    """

    def desk_row(self, obj) -> str:
        cells = []
        empty = None
        for name in self.list_display:
            value = getattr(self, name)(obj)
            if value is None:
                empty = empty if empty is not None else self.get_empty_value_display()
                value = empty
            elif isinstance(value, str) and not value.strip():
                value = ""
            cells.append(f'<td class="field-{name}">{conditional_escape(value)}</td>')
        return mark_safe("".join(cells))  # noqa: S308 (every value escaped above)
