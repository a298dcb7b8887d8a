"""`{% once_token %}`: the hidden one-time token of a create form (common/once.py). It
renders only in the pages of a view decorated with `submit_once`, so shared form templates
carry it and other views' forms stay as they were."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from buddywerk.common.once import FIELD, token_for

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context: template.Context) -> SafeString | str:
    request = context.get("request")
    if request is None or not getattr(request, "once_protected", False):
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token_for(request))
