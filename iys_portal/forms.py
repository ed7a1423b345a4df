"""One way to render a form field in the portal.

``{{ form.field.as_field_group }}`` renders ``templates/forms/field.html``: the label, the widget,
the help text with id ``<auto_id>_helptext`` and the errors with id ``<auto_id>_error`` — the
ids Django writes into the widget's ``aria-describedby``, so screen readers hear both.
``TemplatesSetting`` lets the project's templates override Django's form templates.
"""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"
