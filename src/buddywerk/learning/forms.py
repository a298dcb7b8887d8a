"""Forms of the learning app. They validate input; the services hold the rules."""

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.common.plausible import PlausibleDateTimeField, model_number_bounds
from buddywerk.network.forms import BootstrapMixin
from buddywerk.network.text import validate_no_markup
from buddywerk.organisations.models import Programme

from .models import Event, Module, NoteKind
from .services import EVENT_FIELDS, MODULE_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _event_moment(name: str) -> PlausibleDateTimeField:
    # An event is organised for the coming years; one a year back may still be corrected.
    field = cast("models.Field[Any, Any]", Event._meta.get_field(name))
    return PlausibleDateTimeField(
        label=capfirst(field.verbose_name), past_years=1, future_years=3, widget=DATETIME
    )


class EventForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    starts_at = _event_moment("starts_at")
    ends_at = _event_moment("ends_at")
    registration_deadline = _event_moment("registration_deadline")

    class Meta:
        model = Event
        fields = EVENT_FIELDS  # what the service takes, in the order the page shows
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "registration_deadline": DATETIME,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme = cast("forms.ModelChoiceField[Programme]", self.fields["programme"])
        programme.queryset = policy.programmes_organised_by(user, Programme.objects.all())
        # An event for every programme (no programme) is a platform admin's to organise.
        programme.required = not policy.can_organise_events_for_everyone(user)
        model_number_bounds(self)


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Who was there?"),
        required=False,
        # Large boxes: attendance is taken at the door on a phone.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input fs-4 m-0"}),
    )

    def __init__(self, *args: Any, registrations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["present"]).choices = [
            (str(r.pk), str(r.user)) for r in registrations if r.status == "registered"
        ]
        self.initial.setdefault("present", [str(r.pk) for r in registrations if r.attended])


class MeetupNoteForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices)
    text = forms.CharField(
        label=_("What was said"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_markup],
        help_text=_("No names of pupils or families."),
    )


class CompletionForm(BootstrapMixin, forms.Form):
    reflection = forms.CharField(
        label=_("Reflection (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_markup],
        help_text=_("What you take with you, in a few sentences."),
    )


class RequiredModulesForm(forms.Form):
    modules = forms.ModelMultipleChoiceField(
        label=_("Modules required before a first duo"),
        queryset=Module.objects.filter(is_published=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minor_modules = forms.ModelMultipleChoiceField(
        label=_("Modules required before every duo with a minor"),
        queryset=Module.objects.filter(is_published=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        both = set(data.get("modules") or []) & set(data.get("minor_modules") or [])
        if both:
            self.add_error(
                "minor_modules",
                _(
                    "A module is required before a first duo or before a duo with a minor, "
                    "not both."
                ),
            )
        return data


class ModuleForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Issue 20: a module written in the application (Markdown, with a preview)."""

    required_for = forms.ModelMultipleChoiceField(
        label=_("Required before a first duo in"),
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your programmes whose buddies do this module before their first duo."),
    )

    class Meta:
        model = Module
        fields = MODULE_FIELDS
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required_for = cast(
            "forms.ModelMultipleChoiceField[Programme]", self.fields["required_for"]
        )
        required_for.queryset = policy.programmes_organised_by(user, Programme.objects.all())
        if not required_for.queryset.exists():
            del self.fields["required_for"]
        elif self.instance.pk:
            self.initial.setdefault(
                "required_for",
                list(
                    required_for.queryset.filter(
                        required_modules__module=self.instance,
                        required_modules__for_minors=False,
                    )
                ),
            )
        model_number_bounds(self)
