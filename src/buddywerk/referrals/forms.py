"""Forms for referrals. They collect and shape input only; the rules (birth year against
school year, programme coverage, consent before submission) live in the models and
services, whose errors the views put back on these fields."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from buddywerk.common.plausible import (
    PhoneNumberField,
    PlausibleDateField,
    PlausibleIntegerField,
    year_range,
)
from buddywerk.common.vocabulary import DayPart, Weekday
from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import Organisation, School

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

from .enums import ConsentGiver, ConsentMethod
from .models import (
    MAX_CHILD_AGE,
    MAX_ERASURE_GRACE_DAYS,
    MAX_HOUSEHOLD,
    Family,
    Pupil,
    Referral,
    validate_children_ages,
)
from .services import DREAM_FIELDS, FAMILY_FIELDS, PUPIL_FIELDS, REFERRAL_FIELDS

# What the forms set is what the services accept (services.*_FIELDS), split per kind.
PUPIL_FORM_FIELDS = list(PUPIL_FIELDS)
# The family form has its own fields for the children's ages and the postcode.
FAMILY_FORM_FIELDS = [name for name in FAMILY_FIELDS if name not in {"children_ages", "postcode"}]
# A pupil's referral asks R6's selection criteria, a family's its goals [004].
PUPIL_REFERRAL_FIELDS = [name for name in REFERRAL_FIELDS if name != "goals"]
FAMILY_REFERRAL_FIELDS = [
    name for name in REFERRAL_FIELDS if name != "criteria" and name not in DREAM_FIELDS
]


# The ages of a pupil of any programme (primary and secondary school, with some room).
PUPIL_MIN_AGE = 3
PUPIL_MAX_AGE = 25


def _referral_fields(names: list[str]) -> dict[str, forms.Field]:
    fields = fields_for_model(Referral, fields=names)
    # Consent is recorded when it is given, or soon after: not in the future, not years ago.
    fields["consent_given_on"] = PlausibleDateField(
        label=capfirst(Referral._meta.get_field("consent_given_on").verbose_name),
        help_text=Referral._meta.get_field("consent_given_on").help_text,
        past_years=3,
        future_years=0,
    )
    for name in ("urgency", "complexity", "consent_giver", "consent_method"):
        if name in fields:
            field = fields[name]
            choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]
            field.widget = forms.RadioSelect(choices=choices)
    # A draft may be saved without these; submitting checks them (services._ready_to_submit).
    for name in ("consent_given_on", "consent_given_by", "consent_giver", "consent_method"):
        fields[name].required = False
    return fields


def style_widgets(form: forms.Form) -> None:
    """Bootstrap classes on every widget (no inline styles: the CSP forbids them)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            # Bootstrap's form-check-input floats outside Django's <label> markup.
            continue
        if isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css


class ReferralFormMixin:
    """What a pupil's and a family's referral form share: the programme and referral
    fields, the referral's data for the service, and the weekly grid."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    # The referral fields of this kind of referral, and the one that does not apply to it.
    referral_fields: list[str]
    not_asked: str

    def _add_referral_fields(self, programmes: Any, programme_help: "str | _StrPromise") -> None:
        self.fields["programme"] = forms.ModelChoiceField(
            queryset=programmes, label=_("Programme"), help_text=programme_help, empty_label=None
        )
        self.fields.update(_referral_fields(self.referral_fields))
        style_widgets(self)  # type: ignore[arg-type]

    def referral_data(self) -> dict[str, Any]:
        # a field the form does not show (issue 21: not asked) is left as it is
        data = {
            name: self.cleaned_data[name] for name in self.referral_fields if name in self.fields
        }
        data[self.not_asked] = []
        return data

    def slot_grid(self) -> list[tuple[str, list[Any]]]:
        """The time-slot checkboxes as rows of days and columns of parts of the day."""
        bound = self[  # type: ignore[index]
            "time_slots"
        ]
        widgets = list(bound.subwidgets)
        per_day = len(DayPart.values)
        return [
            (str(label), widgets[index * per_day : (index + 1) * per_day])
            for index, label in enumerate(Weekday.labels)
        ]

    def day_parts(self) -> list[str]:
        return [str(label) for label in DayPart.labels]


class PupilReferralForm(ReferralFormMixin, forms.Form):
    """A school's referral of a pupil (R4-R6): the pupil, what is asked, consent."""

    referral_fields = PUPIL_REFERRAL_FIELDS
    not_asked = "goals"

    def __init__(
        self,
        *args: Any,
        schools: Any,
        programmes: Any,
        choose_school: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if choose_school:
            self.fields["school"] = forms.ModelChoiceField(
                queryset=schools, label=_("School"), empty_label=None
            )
        self.fields.update(fields_for_model(Pupil, fields=PUPIL_FORM_FIELDS))
        # A pupil of a buddy programme is a child of school age; the model then checks the
        # birth year against the school year (R5), and the programme its school years.
        first, last = year_range(min_age=PUPIL_MIN_AGE, max_age=PUPIL_MAX_AGE)
        birth_year = self.fields["birth_year"]
        outside = _(
            "A pupil is %(youngest)s to %(oldest)s years old: give a birth year from "
            "%(first)s to %(last)s."
        ) % {"youngest": PUPIL_MIN_AGE, "oldest": PUPIL_MAX_AGE, "first": first, "last": last}
        self.fields["birth_year"] = PlausibleIntegerField(
            label=birth_year.label,
            help_text=birth_year.help_text,
            min_value=first,
            max_value=last,
            error_messages={"min_value": outside, "max_value": outside},
        )
        self._add_referral_fields(
            programmes, _("Only programmes that work in your school's municipality are shown.")
        )
        self._ask_only_what_is_asked(programmes)

    def _ask_only_what_is_asked(self, programmes: Any) -> None:
        """Issue 21: the study track, the dream and the role-model experience appear only
        when a programme on offer asks for them, and say which programmes ask."""
        from buddywerk.matching.models import ProgrammeMatchingSettings

        asking = list(
            ProgrammeMatchingSettings.objects.filter(programme__in=programmes)
            .select_related("programme")
            .order_by("programme__name")
        )
        groups = {
            ("study_track",): [s for s in asking if s.asks_study_track],
            ("dream_goal", "dream_sector", "talents"): [s for s in asking if s.asks_dream],
            ("role_model_tags",): [s for s in asking if s.path_tags],
        }
        for names, settings in groups.items():
            for name in names:
                if not settings:
                    del self.fields[name]
                    continue
                field = self.fields[name]
                field.required = False
                field.help_text = _("%(why)s Only for: %(programmes)s.") % {
                    "why": field.help_text,
                    "programmes": ", ".join(str(s.programme.name) for s in settings),
                }
        if "role_model_tags" in self.fields:
            tags = sorted({tag for s in groups[("role_model_tags",)] for tag in s.path_tags})
            old = self.fields["role_model_tags"]
            self.fields["role_model_tags"] = forms.MultipleChoiceField(
                label=old.label,
                help_text=old.help_text,
                required=False,
                choices=[(tag, tag) for tag in tags],
                widget=forms.CheckboxSelectMultiple,
            )

    def pupil_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PUPIL_FORM_FIELDS}


class AgesField(forms.CharField):
    """Children's ages typed as "4, 9, 12"."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        ages = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise ValidationError(
                    _("Give the ages as whole numbers separated by commas, e.g. 4, 9, 12."),
                    code="invalid_ages",
                )
            ages.append(int(part))
        validate_children_ages(ages)
        return ages

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(age) for age in value)
        return value


class FamilyReferralForm(ReferralFormMixin, forms.Form):
    """A service's or a school's referral of a family [004]."""

    referral_fields = FAMILY_REFERRAL_FIELDS
    not_asked = "criteria"

    def __init__(
        self,
        *args: Any,
        referrers: Any,
        programmes: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if referrers is not None:
            self.fields["referrer"] = forms.ModelChoiceField(
                queryset=referrers, label=_("Referred by"), empty_label=None
            )
        self.fields.update(fields_for_model(Family, fields=FAMILY_FORM_FIELDS))
        household = self.fields["household_size"]
        self.fields["household_size"] = PlausibleIntegerField(
            label=household.label,
            help_text=household.help_text,
            min_value=1,
            max_value=MAX_HOUSEHOLD,
        )
        phone = self.fields["contact_phone"]
        self.fields["contact_phone"] = PhoneNumberField(label=phone.label, required=False)
        self.fields["children_ages"] = AgesField(
            label=_("Children's ages"),
            required=False,
            max_length=100,
            help_text=_("In years, separated by commas, e.g. 4, 9, 12 (0 to %(max)s).")
            % {"max": MAX_CHILD_AGE},
        )
        self.fields["postcode"] = forms.CharField(
            label=_("Postcode"),
            max_length=4,
            min_length=4,
            help_text=_("Where the family lives: the buddy meets them near home."),
        )
        self._add_referral_fields(
            programmes, _("Only family programmes that take referrals now are shown.")
        )

    def clean_postcode(self) -> Postcode:
        code = self.cleaned_data["postcode"].strip()
        postcode = Postcode.objects.select_related("municipality").filter(code=code).first()
        if postcode is None:
            raise ValidationError(_("We do not know postcode %(code)s.") % {"code": code})
        return postcode

    def family_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in FAMILY_FORM_FIELDS}
        data["children_ages"] = self.cleaned_data["children_ages"]
        data["postcode"] = self.cleaned_data["postcode"]
        return data


def pupil_initial(referral: Referral) -> dict[str, Any]:
    """The form's starting values for a pupil referral being edited."""
    pupil = referral.pupil
    initial = {name: getattr(pupil, name) for name in PUPIL_FORM_FIELDS}
    initial.update({name: getattr(referral, name) for name in PUPIL_REFERRAL_FIELDS})
    initial["programme"] = referral.programme_id
    return initial


def family_initial(referral: Referral) -> dict[str, Any]:
    """The form's starting values for a family referral being edited."""
    family = referral.participant
    if not isinstance(family, Family):
        raise TypeError("family_initial needs a family referral")
    initial = {name: getattr(family, name) for name in FAMILY_FORM_FIELDS}
    initial["children_ages"] = family.children_ages
    initial["postcode"] = family.postcode_id
    initial.update({name: getattr(referral, name) for name in FAMILY_REFERRAL_FIELDS})
    initial["programme"] = referral.programme_id
    return initial


class ReasonForm(forms.Form):
    """An optional reason (withdrawal)."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("The programme reads this. No medical or family details."),
    )


class DecisionForm(forms.Form):
    """The programme's decision on a submitted referral (accept or the waiting list): each
    decision posts to its own endpoint, with an optional note for the school."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("The school or service reads it."),
    )


class DeclineForm(DecisionForm):
    """Declining needs a reason (the service refuses an empty one, with a clear error)."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Required when you decline: the school or service reads it."),
    )


def organisations_for(ids: set[int]) -> Any:
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def schools_for(ids: set[int]) -> Any:
    return School.objects.filter(pk__in=ids).select_related("municipality").order_by("name")


class ConsentWithdrawalForm(forms.Form):
    """Who withdrew consent, how and when (R18). No names: the referral says who it is.
    `givers`: who may withdraw on this referral (`consent_services.withdrawal_givers`);
    the service checks again for the day chosen."""

    withdrawn_by = forms.ChoiceField(
        label=_("Who withdrew consent?"), choices=ConsentGiver.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label=_("How?"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    withdrawn_on = PlausibleDateField(label=_("On which day?"), past_years=1, future_years=0)

    def __init__(self, *args: Any, givers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["withdrawn_by"])
        field.choices = [(value, label) for value, label in ConsentGiver.choices if value in givers]
        style_widgets(self)


class ConsentTextForm(forms.Form):
    """A new version of a programme's consent text."""

    text = forms.CharField(
        label=_("Consent text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain words: what happens with the data, and how to withdraw consent."),
    )
    pupil_may_consent = forms.BooleanField(
        label=_("A pupil of 13 or older may give consent alone"), required=False
    )
    erasure_grace_days = forms.IntegerField(
        label=_("Days between a withdrawal and the erasure of the data"),
        min_value=0,
        max_value=MAX_ERASURE_GRACE_DAYS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
        self.fields["pupil_may_consent"].widget.attrs["class"] = "form-check-input"
