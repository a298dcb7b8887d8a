"""Forms of the finder, the school registration and the school staff page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buddywerk.common.plausible import PhoneNumberField
from buddywerk.common.vocabulary import Language, MeetingMode, SchoolYear
from buddywerk.geo.models import Municipality
from buddywerk.geo.places import PlaceLookup, place_lookup
from buddywerk.geo.selectors import postcode_resolve

from .models import ParticipantKind, SchoolLevel, Service, ServiceKind, buddy_kind_choices
from .selectors import MAX_DISTANCE_KM, FinderCriteria

# MAX_DISTANCE_KM is 200; the limit keeps the finder's search to Flanders and its borders.
DISTANCE_MESSAGE = _("Choose a distance between 0 and 200 km.")


def _place_error(lookup: PlaceLookup) -> Any:
    text = lookup.text
    if text.isdigit() and len(text) == 4:
        return _("There is no Belgian postcode %(code)s.") % {"code": text}
    if text.isdigit():
        return _("A Belgian postcode has four digits.")
    return _("We do not know a municipality or postcode “%(text)s”.") % {"text": text}


class BootstrapForm(forms.Form):
    """Bootstrap 5 classes on every widget, so templates render fields as field groups."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class PlaceField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("label", _("Postcode or municipality"))
        kwargs.setdefault("help_text", _("For example 2800 or Mechelen."))
        super().__init__(**kwargs)


class FinderForm(BootstrapForm):
    """The public finder. A GET form: the filters are the shareable URL."""

    q = PlaceField(error_messages={"required": _("Enter a postcode or a municipality.")})
    km = forms.IntegerField(
        label=_("Also within (km)"),
        required=False,
        min_value=0,
        max_value=MAX_DISTANCE_KM,
        help_text=_("Leave empty to see only programmes that work in the place itself."),
        error_messages={
            "min_value": DISTANCE_MESSAGE,
            "max_value": DISTANCE_MESSAGE,
            "invalid": _("Enter the distance as a whole number of kilometres."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    participants = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[
            ("", _("Pupils or families")),
            (ParticipantKind.PUPILS, _("Pupils")),
            (ParticipantKind.FAMILIES, _("Families")),
        ],
    )
    year = forms.TypedChoiceField(
        label=_("School year"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any school year")), *SchoolYear.choices],
    )
    mode = forms.ChoiceField(
        label=_("Where they meet"),
        required=False,
        choices=[("", _("Anywhere")), *MeetingMode.choices],
    )

    for_buddies = False
    lookup: PlaceLookup | None = None

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"].strip()
        self.lookup = place_lookup(text)
        if self.lookup.place is None:
            raise forms.ValidationError(_place_error(self.lookup), code="unknown_place")
        return text

    def criteria(self) -> FinderCriteria:
        assert self.lookup is not None and self.lookup.place is not None  # noqa: S101
        data = self.cleaned_data
        return FinderCriteria(
            place=self.lookup.place,
            km=data.get("km"),
            participant_kind=data.get("participants") or "",
            school_year=data.get("year"),
            mode=data.get("mode") or "",
            buddy_kind=data.get("kind") or "",
            for_buddies=self.for_buddies,
        )


class JoinForm(FinderForm):
    """The volunteer's direction: where could I be a buddy, from my postcode?"""

    q = PlaceField(
        label=_("Your postcode or municipality"),
        error_messages={"required": _("Enter a postcode or a municipality.")},
    )
    km = forms.IntegerField(
        label=_("How far would you travel (km)?"),
        required=False,
        min_value=0,
        max_value=MAX_DISTANCE_KM,
        help_text=_("Leave empty for your own municipality only."),
        error_messages=FinderForm.base_fields["km"].error_messages,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(
        label=_("You are"),
        required=False,
        choices=lambda: [("", _("Any kind of buddy")), *buddy_kind_choices()],
    )
    for_buddies = True

    field_order = ["q", "km", "kind", "participants", "mode"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["year"]


class SchoolRegistrationForm(BootstrapForm):
    school_number = forms.CharField(
        label=_("School number (instellingsnummer)"),
        max_length=12,
        help_text=_("The official number of the school, e.g. 012345."),
    )
    name = forms.CharField(label=_("Name of the school"), max_length=200)
    level = forms.ChoiceField(
        label=_("Level"), choices=SchoolLevel.choices, widget=forms.RadioSelect
    )
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    registrant_name = forms.CharField(label=_("Your name"), max_length=150)
    registrant_email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the invitation to this address once the school is confirmed."),
    )

    def clean_school_number(self) -> str:
        from .services import school_number_normalise

        number = school_number_normalise(self.cleaned_data["school_number"])
        if not 5 <= len(number) <= 12:
            raise forms.ValidationError(_("A school number has 5 to 12 digits."))
        return number

    def clean_postcode(self) -> Any:
        code = self.cleaned_data["postcode"].strip()
        postcode = postcode_resolve(code)
        if postcode is None:
            raise forms.ValidationError(
                _("There is no Belgian postcode %(code)s.") % {"code": code}
            )
        return postcode


class StaffInviteForm(BootstrapForm):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)


class DeclineForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why is the registration declined?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ServiceForm(BootstrapForm):
    """Issue 20, point 3: a service registered (or changed) by a platform admin or the
    regional coordinator of its province. The service function holds the rules."""

    name = forms.CharField(label=_("Name of the service"), max_length=200)
    service_kind = forms.ChoiceField(label=_("Kind of service"), choices=ServiceKind.choices)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = PhoneNumberField(label=_("Contact phone"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages the service's staff can help families in."),
    )

    def __init__(self, *args: Any, user: Any, service: Service | None = None, **kwargs: Any):
        from buddywerk.access import policy

        if service is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": service.name,
                "service_kind": service.service_kind,
                "municipality": service.municipality_id,
                "contact_email": service.contact_email,
                "contact_phone": service.contact_phone,
                "languages": service.languages,
            }
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = policy.service_municipalities_of(
                user, Municipality.objects.all()
            ).order_by("name")


class ServiceStaffInviteForm(StaffInviteForm):
    is_lead = forms.BooleanField(
        label=_("Contact person of the service"),
        required=False,
        help_text=_("The person Buddywerk and the programmes contact first."),
    )
