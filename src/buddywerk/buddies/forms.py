"""Forms of the buddy pages. They check the input; the rules live in rules.py/services.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from buddywerk.access.models import User
from buddywerk.common.plausible import PhoneNumberField, PlausibleDateField
from buddywerk.common.vocabulary import (
    ALL_SLOTS,
    PREFERENCE_MODE_CHOICES,
    Competence,
    DayPart,
    Language,
    PathShownTo,
    Sector,
    StudyTrack,
    Weekday,
    slot_code,
)
from buddywerk.geo.selectors import postcode_resolve
from buddywerk.organisations.models import Programme, TrainingInstitution

from .models import (
    MAX_CAPACITY,
    MAX_RADIUS_KM,
    MIN_CAPACITY,
    STUDENT_KINDS,
    TEACHER_KINDS,
    BuddyKind,
    ExperienceLevel,
    FieldOfStudy,
    SchoolLevelPreference,
    TeachingQualification,
)
from .rules import DECLARATION_TEXT

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

# The form asks "student" once and then whether it is an internship (R1).
KIND_CHOICES = [
    (BuddyKind.STUDENT, _("I am a student")),
    (BuddyKind.TEACHER, _("I have a teaching qualification")),
    (BuddyKind.RETIRED_TEACHER, _("I am a retired teacher")),
    (BuddyKind.ROLE_MODEL, _("I want to be a role model: my own school career was not easy")),
    (BuddyKind.SECTOR_MENTOR, _("I work in a trade or company and want to be a mentor")),
    (
        BuddyKind.COMMUNITY_VOLUNTEER,
        _("I live nearby or came here myself, and want to be a buddy of a family"),
    ),
]


class BootstrapMixin:
    """Bootstrap classes on the widgets (the templates render `field.as_field_group`), set
    once the form is built; a form that adds widgets later calls `_style()` again."""

    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _multi(choices: Any, label: Any, required_message: Any, help_text: Any = "") -> Any:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"required": required_message},
    )


if TYPE_CHECKING:
    _InstitutionField = forms.ModelChoiceField[TrainingInstitution]
else:
    _InstitutionField = forms.ModelChoiceField


class InstitutionChoiceField(_InstitutionField):
    """Institutions by name and campus: one school often has several campuses."""

    def label_from_instance(self, obj: TrainingInstitution) -> str:
        return f"{obj.name} ({obj.campus})" if obj.campus else obj.name


class WhoForm(BootstrapMixin, forms.Form):
    """Step 1: who you are, with what your kind must tell (R1)."""

    kind = forms.ChoiceField(
        label=_("Who are you?"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what fits you best.")},
    )
    training_institution = InstitutionChoiceField(
        label=_("Your school or university college"),
        queryset=TrainingInstitution.objects.order_by("name", "campus"),
        required=False,
        help_text=_("Students only. Not in the list? Type the name in the next field."),
    )
    training_institution_name = forms.CharField(
        label=_("Other school or university college"), max_length=200, required=False
    )
    field_of_study = forms.ChoiceField(
        label=_("What do you study?"),
        choices=[("", "---------"), *FieldOfStudy.choices],
        required=False,
    )
    on_internship = forms.ChoiceField(
        label=_("Is being a buddy part of your internship?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    teaching_qualification = forms.ChoiceField(
        label=_("Your teaching qualification"),
        choices=[("", "---------"), *TeachingQualification.choices],
        required=False,
    )
    background = forms.CharField(
        label=_("Tell us a little about yourself"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Role models: your school career. Mentors: your trade or company."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind in STUDENT_KINDS:
            if (
                not data.get("training_institution")
                and not data.get("training_institution_name", "").strip()
            ):
                self.add_error(
                    "training_institution", _("Choose your school, or type its name below.")
                )
            if not data.get("field_of_study"):
                self.add_error("field_of_study", _("Choose what you study."))
            if data.get("on_internship") not in {"yes", "no"}:
                self.add_error("on_internship", _("Answer yes or no."))
        if kind in TEACHER_KINDS and not data.get("teaching_qualification"):
            self.add_error("teaching_qualification", _("Choose your teaching qualification."))
        if (
            kind in {BuddyKind.ROLE_MODEL, BuddyKind.SECTOR_MENTOR, BuddyKind.COMMUNITY_VOLUNTEER}
            and not data.get("background", "").strip()
        ):
            self.add_error("background", _("Tell us a little about yourself."))
        return data

    def profile(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        student = kind in STUDENT_KINDS
        return {
            "kind": kind,
            "on_internship": student and data.get("on_internship") == "yes",
            "training_institution": data.get("training_institution") if student else None,
            "training_institution_name": data.get("training_institution_name", "").strip()
            if student
            else "",
            "field_of_study": data.get("field_of_study", "") if student else "",
            "teaching_qualification": data.get("teaching_qualification", "")
            if kind in TEACHER_KINDS
            else "",
            "background": data.get("background", "").strip(),
        }


class DeclarationForm(BootstrapMixin, forms.Form):
    """Step 2: the declaration on honour (R2), word for word."""

    accept = forms.BooleanField(
        label=DECLARATION_TEXT,
        error_messages={
            "required": _(
                "Without this declaration you cannot be a buddy: programmes work with minors."
            )
        },
    )


class OfferForm(BootstrapMixin, forms.Form):
    """Step 3: what you offer (R3, R8, R9)."""

    languages = _multi(
        Language.choices,
        _("Languages you speak"),
        _("Choose at least one language."),
        _("Also the languages you can use with a newcomer family."),
    )
    competences = _multi(
        Competence.choices, _("What you can help with"), _("Choose at least one thing.")
    )
    school_levels = _multi(
        SchoolLevelPreference.choices,
        _("With pupils of"),
        _("Choose primary school, secondary school or both."),
    )
    meeting_modes = _multi(
        PREFERENCE_MODE_CHOICES, _("Where you want to meet"), _("Choose at least one place.")
    )

    def profile(self) -> dict[str, Any]:
        names = ("languages", "competences", "school_levels", "meeting_modes")
        return {name: self.cleaned_data[name] for name in names}


class WhenWhereForm(BootstrapMixin, forms.Form):
    """Step 4: when and where: the weekly grid, postcode and radius, capacity, dates."""

    slots = forms.MultipleChoiceField(
        label=_("When are you free every week?"),
        choices=[(code, code) for code in ALL_SLOTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one moment in the week.")},
    )
    online_only = forms.BooleanField(label=_("I only want to meet online"), required=False)
    home_postcode = forms.CharField(
        label=_("Postcode of your home"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    travel_radius_km = forms.IntegerField(
        label=_("How far do you want to travel (km)?"),
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        error_messages={
            "min_value": _("Choose a distance of at least 1 km."),
            "max_value": _("Choose a distance of at most %(limit_value)s km."),
            "invalid": _("Type a whole number of kilometres."),
        },
    )
    capacity = forms.IntegerField(
        label=_("How many pupils or families at the same time?"),
        min_value=MIN_CAPACITY,
        max_value=MAX_CAPACITY,
        initial=1,
        help_text=_("1, 2 or 3."),
        error_messages={
            "required": _("Choose 1, 2 or 3."),
            "min_value": _("Choose 1, 2 or 3."),
            "max_value": _("Choose 1, 2 or 3."),
            "invalid": _("Choose 1, 2 or 3."),
        },
    )
    available_from = PlausibleDateField(
        label=_("Available from"),
        past_years=10,
        future_years=2,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("From when can you start?")},
    )
    available_until = PlausibleDateField(
        label=_("Available until"),
        past_years=10,
        future_years=10,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty if you do not know yet."),
    )

    def clean_home_postcode(self) -> Any:
        code = self.cleaned_data.get("home_postcode", "").strip()
        if not code:
            return None
        postcode = postcode_resolve(code)
        if postcode is None:
            raise ValidationError(_("We do not know this postcode. Type four digits, e.g. 2800."))
        return postcode

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("online_only"):
            if not data.get("home_postcode") and "home_postcode" not in self.errors:
                self.add_error(
                    "home_postcode", _("Type your postcode, or choose to meet online only.")
                )
            if data.get("travel_radius_km") is None and "travel_radius_km" not in self.errors:
                self.add_error(
                    "travel_radius_km",
                    _("Type how far you want to travel, or choose to meet online only."),
                )
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("This date comes before your start date."))
        return data

    def profile(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "slots": data["slots"],
            "online_only": data["online_only"],
            "home_postcode": data.get("home_postcode"),
            "travel_radius_km": None if data["online_only"] else data.get("travel_radius_km"),
            "capacity": data["capacity"],
            "available_from": data["available_from"],
            "available_until": data.get("available_until"),
        }

    def grid(self) -> list[dict[str, Any]]:
        """The weekly grid for the template: one row per day, one checkbox per part."""
        if self.is_bound:
            chosen = set(self.data.getlist("slots") if hasattr(self.data, "getlist") else [])
        else:
            chosen = set(self.initial.get("slots") or [])
        return [
            {
                "label": day_label,
                "cells": [
                    {
                        "code": slot_code(day, part),
                        "label": f"{day_label} – {part_label}",
                        "part": part_label,
                        "checked": slot_code(day, part) in chosen,
                    }
                    for part, part_label in DayPart.choices
                ],
            }
            for day, day_label in Weekday.choices
        ]


class ProgrammesForm(BootstrapMixin, forms.Form):
    """Step 5: the programmes to join, among those open to this applicant."""

    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes you want to join"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one programme.")},
    )

    def __init__(self, *args: Any, programmes: list[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Programme]", self.fields["programmes"])
        field.queryset = Programme.objects.filter(pk__in=[p.pk for p in programmes]).order_by(
            "name"
        )


class AccountForm(BootstrapMixin, forms.Form):
    """Step 6: the account."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    phone = PhoneNumberField(label=_("Phone (optional)"), required=False)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters."),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self) -> str:
        # Whether the address has an account is not said here (account enumeration): the
        # service mails the owner instead (services.buddy_register).
        email: str = self.cleaned_data["email"]
        return email.strip().lower()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            user = User(
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(first, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ProfileForm(WhoForm, OfferForm, WhenWhereForm):
    """The buddy's own profile: the same questions and checks as at registration."""

    def clean(self) -> dict[str, Any]:
        WhoForm.clean(self)
        return WhenWhereForm.clean(self)

    def profile(self) -> dict[str, Any]:
        return {
            **WhoForm.profile(self),
            **OfferForm.profile(self),
            **WhenWhereForm.profile(self),
        }


class DeclineForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant reads this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give a reason: the applicant will read it.")},
    )


class SuspendForm(BootstrapMixin, forms.Form):
    """Issue 13: the reason stays in the screening history; nobody else reads it."""

    reason = forms.CharField(
        label=_("Reason (only the programme reads this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give a reason: it stays in the screening history.")},
    )


class ExtractForm(BootstrapMixin, forms.Form):
    seen_on = PlausibleDateField(
        label=_("Date you saw the extract (model 2)"),
        past_years=1,
        future_years=0,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # R2 over time (issue 13): the date printed on the extract; the extract is not stored.
    dated_on = PlausibleDateField(
        label=_("Date on the extract"),
        past_years=5,
        future_years=0,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class LevelForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=ExperienceLevel.choices)


class ImportForm(BootstrapMixin, forms.Form):
    training_institution = forms.ModelChoiceField(
        label=_("Teacher-training institution"),
        queryset=TrainingInstitution.objects.order_by("name", "campus"),
        error_messages={"required": _("Choose the institution the file comes from.")},
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX, at most 5 MB)"),
        error_messages={"required": _("Choose a file."), "empty": _("The file is empty.")},
    )


class PathForm(BootstrapMixin, forms.Form):
    """Issue 21: a mentor's sector and trade, a role model's own path. Each field says
    why it is asked; only the fields of the buddy's kind are shown."""

    sector = forms.ChoiceField(
        label=_("Your sector"),
        choices=[("", "---------"), *Sector.choices],
        required=False,
        help_text=_("We look for pupils who dream of a job in this sector."),
    )
    trade = forms.CharField(
        label=_("Your trade or job"),
        max_length=120,
        required=False,
        help_text=_("E.g. electrician, nurse or cook. The pupil sees what your work is like."),
    )
    story = forms.CharField(
        label=_("Your path in your own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "How did your school career go? A pupil who struggles now sees that there is a "
            "way. Only if you want, and only what you want to tell."
        ),
    )
    tracks = forms.MultipleChoiceField(
        label=_("Study tracks you followed"),
        choices=StudyTrack.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("We look for pupils who are now on a path you know yourself."),
    )
    tags = forms.MultipleChoiceField(
        label=_("What fits your path"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your programme's list. We look for pupils who could use that experience."),
    )
    shown_to = forms.ChoiceField(
        label=_("Who sees this"),
        choices=PathShownTo.choices,
        widget=forms.RadioSelect,
        help_text=_("We never show it to anyone else, and never guess anything about you."),
    )

    def __init__(self, *args: Any, kind: str, tags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep: set[str] = set()
        if kind == BuddyKind.SECTOR_MENTOR:
            keep = {"sector", "trade", "story", "shown_to"}
        elif kind == BuddyKind.ROLE_MODEL:
            keep = {"story", "tracks", "shown_to"} | ({"tags"} if tags else set())
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "tags" in self.fields:
            self.fields["tags"].choices = [(t, t) for t in tags]  # type: ignore[attr-defined]
        self._style()
