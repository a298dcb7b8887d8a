"""The form renderer writes the common widgets in Python (issue 17 point 4): the HTML must
be Django's own, byte for byte. Each widget here is rendered by Django's template renderer
and by ours; the rest of the suite checks every widget it renders the same way
(`FastRenderer.verify`, tests/conftest.py)."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from buddywerk.common.form_renderer import FastRenderer

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "-"),
    ("a", "Alpha & <beta>"),
    ("b", gettext_lazy("Date")),
    ('Group "one"', [("c", "Gamma"), ("d", mark_safe("<b>Delta</b>"))]),  # noqa: S308 - a test's own markup
    (4, 4),
]
FLAT = [("x", "Ex"), ("y", "Why <not>"), (3, "three"), ("z", mark_safe("<i>zed</i>"))]  # noqa: S308

WIDGETS = {
    "text": (forms.TextInput(attrs={"class": "form-control", "maxlength": 20}), 'a "b" <c>'),
    "text, no value": (forms.TextInput(), None),
    "text, safe value": (forms.TextInput(), mark_safe("<safe>")),  # noqa: S308
    "text, boolean attrs": (
        forms.TextInput(attrs={"required": True, "disabled": False, "aria-describedby": "x y"}),
        "",
    ),
    "number": (forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}), 50),
    "number, decimal": (forms.NumberInput(), 1.5),
    "date": (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), dt.date(2026, 12, 4)),
    "email": (forms.EmailInput(), "a@b.be"),
    "password": (forms.PasswordInput(render_value=True), "secret&"),
    "hidden": (forms.HiddenInput(), "7"),
    "url": (forms.URLInput(), "https://example.org/?a=1&b=2"),
    "tel": (forms.TextInput(attrs={"type": "tel"}), "+32 3"),
    "search": (forms.SearchInput(), "q"),
    "time": (forms.TimeInput(), dt.time(9, 30)),
    "checkbox, on": (forms.CheckboxInput(attrs={"class": "form-check-input"}), True),
    "checkbox, off": (forms.CheckboxInput(), False),
    "textarea": (forms.Textarea(attrs={"rows": 3}), "line one\n<line two> & more"),
    "textarea, empty": (forms.Textarea(), ""),
    "textarea, none": (forms.Textarea(), None),
    "select": (forms.Select(choices=CHOICES, attrs={"class": "form-select"}), "b"),
    "select, group chosen": (forms.Select(choices=CHOICES), "d"),
    "select, number chosen": (forms.Select(choices=CHOICES), 4),
    "select multiple": (forms.SelectMultiple(choices=CHOICES), ["a", "c"]),
    "null boolean": (forms.NullBooleanSelect(), None),
    "radio": (forms.RadioSelect(choices=FLAT, attrs={"class": "form-check-input"}), "y"),
    "radio, groups": (forms.RadioSelect(choices=CHOICES), "c"),
    "checkboxes": (forms.CheckboxSelectMultiple(choices=FLAT), ["x", "z"]),
    "checkboxes, groups": (forms.CheckboxSelectMultiple(choices=CHOICES), ["a", "d"]),
    "date select": (forms.SelectDateWidget(years=[2026, 2027]), dt.date(2026, 5, 1)),
    "split date and time": (
        forms.SplitDateTimeWidget(),
        dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC),
    ),
    "file": (forms.ClearableFileInput(), None),
}


@pytest.mark.parametrize("case", WIDGETS)
@pytest.mark.parametrize("attrs", [{"id": "id_f"}, {}], ids=["with id", "without id"])
def test_a_widget_is_the_same_html_as_djangos(case, attrs):
    widget, value = WIDGETS[case]
    django_html = widget.render("f", value, attrs=attrs, renderer=DjangoTemplates())
    ours = FastRenderer()
    ours.verify = False
    assert widget.render("f", value, attrs=attrs, renderer=ours) == django_html


@pytest.mark.parametrize("case", ["radio", "radio, groups", "checkboxes", "checkboxes, groups"])
def test_each_choice_is_the_same_html_as_djangos(case):
    """A template that lays out the choices itself renders each one's tag."""
    widget, value = WIDGETS[case]

    class Form(forms.Form):
        f = forms.MultipleChoiceField(widget=widget, required=False)

    bound = Form(initial={"f": value})["f"]
    ours = FastRenderer()
    ours.verify = False
    for choice in bound:
        context = {"widget": {**choice.data, "wrap_label": False}}
        django_tag = choice.parent_widget._render(choice.template_name, context, DjangoTemplates())
        assert choice.parent_widget._render(choice.template_name, context, ours) == django_tag
        assert choice.tag() == django_tag


def test_the_project_renders_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastRenderer)
    assert "django/forms/widgets/radio_option.html" in get_default_renderer().fast_templates


def test_a_difference_fails_under_verify(monkeypatch):
    """The check the suite relies on does fail when the two differ."""
    import buddywerk.common.form_renderer as module

    ours = FastRenderer()
    ours.verify = True
    monkeypatch.setitem(
        ours.fast_templates, "django/forms/widgets/text.html", lambda widget, renderer: "<x>"
    )
    with pytest.raises(AssertionError):
        forms.TextInput().render("f", "v", renderer=ours)
    assert module.INPUT in ours.fast_templates
