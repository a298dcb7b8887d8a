"""The form renderer (settings.FORM_RENDERER): Django's own widget templates, with the
common widgets written out in Python (issue 17 point 4).

Django renders every widget (and every radio button or checkbox of a choice) through its
template engine: a template lookup, a context and two or three nested templates for one
`<input>`. A form page of a duo renders some twenty of them, a third of the page's time.
This renderer writes the same HTML, byte for byte, for the templates whose output is a
plain function of the widget's context (input, input_option, select, select_option,
multiple_input, textarea and those that only include one of them), and hands everything
else to the templates: a widget with a template of its own, a value the template would
format (a number, a date: localised), an attribute the template would call.
tests/common/test_form_renderer.py renders every widget of every form of the project both
ways and compares. If an installed app overrides one of these templates, its own template
is used (`_fast_templates`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import django
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
INPUT = WIDGETS + "input.html"
INPUT_OPTION = WIDGETS + "input_option.html"
SELECT = WIDGETS + "select.html"
SELECT_OPTION = WIDGETS + "select_option.html"
MULTIPLE_INPUT = WIDGETS + "multiple_input.html"
TEXTAREA = WIDGETS + "textarea.html"
ATTRS = WIDGETS + "attrs.html"

# Templates that are only `{% include "<one of the above>" %}`.
INCLUDES_INPUT = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
INCLUDES_INPUT_OPTION = ["checkbox_option", "radio_option"]
INCLUDES_MULTIPLE_INPUT = ["checkbox_select", "radio"]

DJANGO_WIDGET_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"


class Fallback(Exception):
    """A value the template would treat in a way this module does not repeat."""


def _text(value: Any) -> str:
    """`{{ value }}`: a string (or a lazy translation) escaped unless safe. Anything else
    the template would localise (numbers, dates) or call: left to the template."""
    if isinstance(value, str | Promise):
        return str(conditional_escape(value))  # type: ignore[arg-type]
    raise Fallback


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: `"%s" % value`, escaped unless the value is safe."""
    if callable(value):
        raise Fallback
    text = str(value)  # what `"%s" % value` gives (the filter makes a tuple a str first)
    return text if isinstance(value, SafeData) else str(escape(text))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(" " + _text(name))
            if value is not True:
                out.append('="' + _formatted(value) + '"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    """input.html."""
    value = widget["value"]
    shown = "" if value is None else ' value="' + _formatted(value) + '"'
    return (
        '<input type="' + _text(widget["type"]) + '" name="' + _text(widget["name"]) + '"'
        f"{shown}{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: Mapping[str, Any]) -> str:
    """input_option.html (the input it includes ends with its own new line)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    attrs = widget["attrs"]
    label_for = ' for="' + _text(attrs["id"]) + '"' if attrs.get("id") else ""
    return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>\n"


def _select_option(widget: Mapping[str, Any]) -> str:
    """select_option.html."""
    return (
        '<option value="' + _formatted(widget["value"]) + '"' + _attrs(widget["attrs"]) + ">"
        f"{_text(widget['label'])}</option>\n"
    )


def _option(option: Mapping[str, Any], renderer: FastRenderer) -> str:
    """`{% include option.template_name with widget=option %}`."""
    fast = renderer.fast_templates.get(option["template_name"])
    if fast is None:
        raise Fallback
    return fast(option, renderer)


def _select(widget: Mapping[str, Any], renderer: FastRenderer) -> str:
    """select.html."""
    out = ['<select name="' + _text(widget["name"]) + '"' + _attrs(widget["attrs"]) + ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append('\n  <optgroup label="' + _text(group_name) + '">')
        for option in group_choices:
            out.append("\n  " + _option(option, renderer))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _multiple_input(widget: Mapping[str, Any], renderer: FastRenderer) -> str:
    """multiple_input.html (radio buttons and checkboxes as one widget)."""
    attrs = widget["attrs"]
    element_id = attrs.get("id")
    css = attrs.get("class")
    out = [
        "<div"
        + (' id="' + _text(element_id) + '"' if element_id else "")
        + (' class="' + _text(css) + '"' if css else "")
        + ">"
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append("\n  <div><label>" + _text(group) + "</label>")
        for option in options:
            out.append("<div>\n    " + _option(option, renderer) + "</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _textarea(widget: Mapping[str, Any]) -> str:
    """textarea.html."""
    value = widget["value"]
    return (
        '<textarea name="' + _text(widget["name"]) + '"' + _attrs(widget["attrs"]) + ">\n"
        f"{_text(value) if value else ''}</textarea>\n"
    )


Writer = Callable[[Mapping[str, Any], "FastRenderer"], str]


def _plain(write: Callable[[Mapping[str, Any]], str]) -> Writer:
    return lambda widget, _renderer: write(widget)


_WRITERS: dict[str, tuple[Writer, tuple[str, ...]]] = {
    # template: (writer, the Django templates it stands for, all from django/forms)
    INPUT: (_plain(_input), (INPUT, ATTRS)),
    INPUT_OPTION: (_plain(_input_option), (INPUT_OPTION, INPUT, ATTRS)),
    SELECT: (_select, (SELECT, ATTRS)),
    SELECT_OPTION: (_plain(_select_option), (SELECT_OPTION, ATTRS)),
    MULTIPLE_INPUT: (_multiple_input, (MULTIPLE_INPUT,)),
    TEXTAREA: (_plain(_textarea), (TEXTAREA, ATTRS)),
}


def _including(write: Writer) -> Writer:
    """A template that is only `{% include "<template>" %}` and its own last new line."""
    return lambda widget, renderer: write(widget, renderer) + "\n"


for _names, _included in (
    (INCLUDES_INPUT, INPUT),
    (INCLUDES_INPUT_OPTION, INPUT_OPTION),
    (INCLUDES_MULTIPLE_INPUT, MULTIPLE_INPUT),
):
    _write, _sources = _WRITERS[_included]
    for _name in _names:
        _template = f"{WIDGETS}{_name}.html"
        _WRITERS[_template] = (_including(_write), (_template, *_sources))


class FastRenderer(DjangoTemplates):
    """Django's default renderer (`DjangoTemplates`), with the common widget templates
    written out in Python. With `verify` (the tests) every widget is rendered both ways
    and a difference fails."""

    verify = False

    @cached_property
    def fast_templates(self) -> dict[str, Writer]:
        """The writers whose templates (and those they include) are Django's own here: an
        app that overrides one keeps its template."""

        def own(name: str) -> bool:
            origin = self.get_template(name).origin.name  # type: ignore[attr-defined]
            return Path(origin).is_relative_to(DJANGO_WIDGET_TEMPLATES)

        checked: dict[str, bool] = {}
        fast: dict[str, Writer] = {}
        for template, (writer, sources) in _WRITERS.items():
            if all(checked.setdefault(s, own(s)) for s in sources):
                fast[template] = writer
        return fast

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = self.fast_templates.get(template_name)
        if write is not None and request is None and context.keys() == {"widget"}:
            try:
                written = write(context["widget"], self).strip()
            except Fallback:
                pass
            else:
                if self.verify:
                    rendered = super().render(template_name, context, request)
                    if written != rendered:
                        raise AssertionError(f"{template_name}: {written!r} != {rendered!r}")
                return written
        return super().render(template_name, context, request)
