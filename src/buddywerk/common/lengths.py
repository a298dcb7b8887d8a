"""Length limits a person sees before they hit them (issue 16, point 4).

The server enforces every limit (the form field's max_length, and the model's validator
for the services' full_clean). `show_length_limits` states each limit in the field's hint,
so it holds without JavaScript, and marks the input for static/js/counter.js, a small
progressive enhancement that shows a live "n of max characters" under it.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import ngettext_lazy

COUNTER_ATTR = "data-bw-counter"


def length_hint(limit: int) -> str:
    return ngettext_lazy(
        "At most %(limit)d character.", "At most %(limit)d characters.", "limit"
    ) % {"limit": limit}


def show_length_limits(form: forms.BaseForm) -> None:
    """State the limit of every text field of `form` in its hint and mark its input for
    the counter. Call at the end of the form's __init__."""
    for field in form.fields.values():
        limit = getattr(field, "max_length", None)
        if not isinstance(field, forms.CharField) or not limit:
            continue
        if not isinstance(field.widget, forms.TextInput | forms.Textarea):
            continue
        hint = length_hint(limit)
        field.help_text = format_lazy("{} {}", field.help_text, hint) if field.help_text else hint
        field.widget.attrs["maxlength"] = str(limit)
        field.widget.attrs[COUNTER_ATTR] = ""
