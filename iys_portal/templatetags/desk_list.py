"""``{% desk_result_list cl %}``: the admin's ``{% result_list cl %}`` for a changelist whose
ModelAdmin renders a whole row at once (``iys_portal.admin.DeskRowsMixin``)."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, results
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def desk_result_list(cl):
    headers = list(result_headers(cl))
    context = {
        "cl": cl,
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
    }
    if cl.formset is not None or cl.is_popup or "action_checkbox" in cl.list_display:
        # What desk_row does not know: the admin's own rendering.
        context.update(result_hidden_fields=[], results=list(results(cl)))
        return get_template("admin/change_list_results.html").render(context)
    # The rows joined here, once (the admin's template loops over rows and their cells, and asks
    # each row for a form): the same <tr> per row as the admin's.
    rows = "".join(f"\n<tr>{cl.model_admin.desk_row(obj, cl)}</tr>" for obj in cl.result_list)
    context["rows"] = mark_safe(rows + "\n" if rows else "")  # noqa: S308 (desk_row escapes)
    return get_template("admin/desk_change_list_results.html").render(context)
