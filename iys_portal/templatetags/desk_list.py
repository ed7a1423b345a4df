"""``{% desk_result_list cl %}``: the admin's ``{% result_list cl %}`` for a changelist whose
ModelAdmin renders a whole row at once (``iys_portal.admin.DeskRowsMixin``)."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, results

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def desk_result_list(cl):
    headers = list(result_headers(cl))
    if cl.formset is not None or cl.is_popup or "action_checkbox" in cl.list_display:
        rows = list(results(cl))  # what desk_row does not know: the admin's own rendering
    else:
        # One item per row: the template's cell loop runs once, over the row's markup.
        rows = [[cl.model_admin.desk_row(obj, cl)] for obj in cl.result_list]
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
    }
