"""Django's own form messages, in the portal's tone.

Django's Turkish catalogue says «Bu alan zorunludur.» and «Geçerli bir e-posta adresi girin.»
while the portal's own messages say «… giriniz.». Listing Django's message ids here makes
``makemessages`` put them into the project's catalogues, and translations under LOCALE_PATHS
take precedence over Django's, so every form (portal and desks) speaks in one tone.
Nothing needs to import this module; it exists to be found by ``makemessages``.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

FIELD_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a list of values."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Null characters are not allowed."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)

ADMIN_FORM_MESSAGES = (
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "count"),
)
