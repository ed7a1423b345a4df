"""``{% desk_result_list cl %}``: the admin's ``{% result_list cl %}`` for a changelist whose
ModelAdmin renders a whole row at once (``iys_portal.admin.DeskRowsMixin``)."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def desk_result_list(cl):
    headers = list(result_headers(cl))
    row = cl.model_admin.desk_row
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        # One item per row: the template's cell loop runs once, over the row's markup.
        "results": [[row(obj)] for obj in cl.result_list],
    }
