"""``{% desk_result_list cl %}``: the admin's ``{% result_list cl %}`` for a changelist whose
ModelAdmin renders a whole row at once (``iys_portal.admin.DeskRowsMixin``)."""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    results,
)
from django.utils.safestring import mark_safe

from iys_portal.admin_site import nav_sidebar_html

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def desk_result_list(cl):
    headers = list(result_headers(cl))
    if cl.formset is not None or cl.is_popup or "action_checkbox" in cl.list_display:
        rows = list(results(cl))  # what desk_row does not know: the admin's own rendering
    else:
        # The rows joined here, once: the template's loop (a <tr> around each result, each
        # result asked for a form) runs over one result that holds every row, so it writes
        # the admin's <tr>…</tr> per row with no template work per row or cell.
        html = "</tr>\n<tr>".join(cl.model_admin.desk_row(obj, cl) for obj in cl.result_list)
        rows = [ResultList(None, [mark_safe(html)])] if cl.result_list else []  # noqa: S308
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
    }


@register.simple_tag(takes_context=True)
def nav_sidebar(context):
    """Django's admin/nav_sidebar.html (this project's template of that name calls this tag),
    rendered once per language, script prefix, path and permissions (``nav_sidebar_html``)."""
    find = context.template.engine.find_template
    request = context["request"]

    def render():
        # Django's own template: this project's of the same name skipped.
        django_sidebar, _origin = find(
            "admin/nav_sidebar.html", skip=[context.render_context.template.origin]
        )
        return django_sidebar.render(context)

    return nav_sidebar_html(request, render)
