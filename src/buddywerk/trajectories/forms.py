"""Forms of the duo pages and their concerns. They only shape and check input; the rules
live in services.py and concern_services.py."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.common.plausible import PlausibleDateField, needed_when
from buddywerk.common.vocabulary import MeetingMode
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Referral, ReferralStatus

from .enums import (
    CancelReason,
    CloseReason,
    ConcernOutcome,
    CouplingOrganisation,
    Frequency,
    LeuvenScore,
    MeetingStatus,
    MeetingTopic,
    NoteVisibility,
    Urgency,
    WellbeingMoment,
)
from .models import (
    AGREEMENT_MAX_CHARS,
    EVALUATION_MAX_CHARS,
    MEETING_MAX_MINUTES,
    MEETING_MIN_MINUTES,
    NOTE_MAX_CHARS,
    Agreement,
    slot_choices,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm:
    """Bootstrap classes on every widget (large, for thumbs on a phone), and errors tied to
    their field with aria-describedby (WCAG 3.3.1)."""

    large = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def _style(self) -> None:
        size = " form-control-lg" if self.large else ""
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select" + size.replace("control", "select"))
            else:
                widget.attrs.setdefault("class", "form-control" + size)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                bound = self[name]  # type: ignore[index]
                ids = [f"{bound.auto_id}_error"]
                if bound.help_text:
                    ids.append(f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)  # type: ignore[attr-defined]


class DuoStartForm(StyledForm, forms.Form):
    """A coordinator starts a duo for an existing pair: an approved buddy of the programme
    and one or more accepted referrals (a small group: pupils of one school)."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    buddy = forms.ModelChoiceField(label=_("Buddy"), queryset=Buddy.objects.none())
    referrals = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Referral.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One family, or one or more pupils of one school (a small group)."),
    )
    mode = forms.ChoiceField(label=_("Where they meet"), choices=MeetingMode.choices)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Where exactly, e.g. the library of the school."),
    )
    weekly_slot = forms.ChoiceField(
        label=_("Weekly time slot"), choices=[("", "-"), *slot_choices()], required=False
    )
    frequency = forms.ChoiceField(
        label=_("Frequency"),
        choices=[("", _("The programme's default")), *Frequency.choices],
        required=False,
    )
    planned_start = PlausibleDateField(
        label=_("Planned start"), past_years=1, future_years=1, widget=DATE_WIDGET
    )
    planned_end = PlausibleDateField(
        label=_("Planned end"),
        past_years=1,
        future_years=3,
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Leave empty for the default: 12 weeks for pupils, 6 months for families."),
    )
    coupled_by = forms.ChoiceField(
        label=_("Coupled by"),
        choices=[("", _("Automatic")), *CouplingOrganisation.choices],
        required=False,
        help_text=_("Who coupled the buddy with the school or family (for insurance)."),
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme = cast(forms.ModelChoiceField, self.fields["programme"])  # type: ignore[type-arg]
        buddy = cast(forms.ModelChoiceField, self.fields["buddy"])  # type: ignore[type-arg]
        referrals = cast(forms.ModelMultipleChoiceField, self.fields["referrals"])  # type: ignore[type-arg]
        programme.queryset = programmes
        if programmes.count() == 1:
            programme.initial = programmes.first()
        buddy.queryset = (
            Buddy.objects.filter(programmes__in=programmes, status=ScreeningStatus.APPROVED)
            .select_related("user")
            .distinct()
            .order_by("user__first_name", "user__last_name")
        )
        buddy.label_from_instance = lambda b: b.user.get_full_name() or b.user.email  # type: ignore[method-assign, assignment]
        referrals.queryset = (
            Referral.objects.filter(programme__in=programmes, status=ReferralStatus.ACCEPTED)
            .select_related("pupil__school", "family")
            .order_by("created_at")
        )
        referrals.label_from_instance = _referral_label  # type: ignore[method-assign, assignment]
        self.fields["planned_start"].initial = timezone.localdate()


def _referral_label(referral: Referral) -> str:
    if referral.pupil is not None:
        return f"{referral.pupil.first_name} {referral.pupil.last_name} – {referral.pupil.school}"
    # a referral is of a pupil or of a family
    return str(referral.family.contact_name) if referral.family is not None else ""


class AgreementForm(StyledForm, forms.ModelForm[Agreement]):
    class Meta:
        model = Agreement
        fields = list(Agreement.TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Agreement.TEXT_FIELDS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            cast(forms.CharField, field).max_length = AGREEMENT_MAX_CHARS


def _meeting_duration_field(**kwargs: Any) -> forms.IntegerField:
    """A meeting's duration in minutes, within a meeting's limits; 50 to start with."""
    return forms.IntegerField(
        label=_("Duration (minutes)"),
        required=False,
        min_value=MEETING_MIN_MINUTES,
        max_value=MEETING_MAX_MINUTES,
        initial=50,
        error_messages={
            "min_value": _("A meeting lasts at least %(limit_value)s minutes."),
            "max_value": _("A meeting lasts at most %(limit_value)s minutes."),
        },
        **kwargs,
    )


class MeetingForm(StyledForm, forms.Form):
    """The 30-second form: date (today), duration, happened or cancelled, topics, a note,
    and an optional quick well-being check."""

    large = True

    date = PlausibleDateField(label=_("Date"), past_years=1, future_years=1, widget=DATE_WIDGET)
    status = forms.ChoiceField(
        label=_("Did the meeting take place?"),
        choices=[
            (MeetingStatus.HAPPENED, _("Yes, it happened")),
            (MeetingStatus.CANCELLED, _("No, it was cancelled")),
        ],
        widget=forms.RadioSelect,
        initial=MeetingStatus.HAPPENED,
    )
    duration_minutes = _meeting_duration_field(
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5})
    )
    cancel_reason = forms.ChoiceField(
        label=_("Reason for cancelling"),
        choices=[("", "-"), *CancelReason.choices],
        required=False,
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=MeetingTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("A note is at most %(limit_value)d characters (it has %(show_value)d).")
        },
    )
    note_visibility = forms.ChoiceField(
        label=_("Who may read the note?"),
        choices=NoteVisibility.choices,
        initial=NoteVisibility.PRIVATE,
        widget=forms.RadioSelect,
    )
    wellbeing = forms.TypedChoiceField(
        label=_("How did the pupil feel? (optional)"),
        choices=[("", _("Skip")), *LeuvenScore.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The Leuven well-being scale: 1 very low to 5 very high."),
        error_messages={
            "invalid_choice": _("Choose a score from 1 to 5 (the Leuven well-being scale)."),
        },
    )
    is_goodbye = forms.BooleanField(label=_("This was the goodbye meeting"), required=False)

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = today or timezone.localdate()
        # Not required by the form, but by the service in one case: the hint says which
        # (issue 16, point 5: a hint never calls a field optional that the server needs).
        needed_when(self.fields["duration_minutes"], _("needed when the meeting took place"))
        needed_when(self.fields["cancel_reason"], _("needed when the meeting was cancelled"))


class MeetingEditForm(MeetingForm):
    """Changing a meeting (or recording a planned one): the same fields, without the quick
    well-being check, and 'planned' stays a choice for a meeting not logged yet."""

    def __init__(self, *args: Any, planned: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["wellbeing"]
        if planned:
            status = cast(forms.ChoiceField, self.fields["status"])
            status.choices = [
                (MeetingStatus.PLANNED, _("Still planned")),
                *cast(list[tuple[str, str]], status.choices),
            ]


class MeetingPlanForm(StyledForm, forms.Form):
    date = PlausibleDateField(label=_("Date"), past_years=1, future_years=1, widget=DATE_WIDGET)
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = _meeting_duration_field()
    is_goodbye = forms.BooleanField(label=_("This is the goodbye meeting"), required=False)


class WellbeingForm(StyledForm, forms.Form):
    participant = forms.ChoiceField(label=_("Participant"))
    moment = forms.ChoiceField(
        label=_("Moment"),
        choices=[(m.value, m.label) for m in WellbeingMoment if m != WellbeingMoment.CHECK],
    )
    score = forms.TypedChoiceField(
        label=_("Score"),
        choices=LeuvenScore.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Choose a score from 1 to 5 (the Leuven well-being scale)."),
        },
    )
    participant_answer = forms.BooleanField(
        label=_("This is the pupil's own smiley answer"), required=False
    )
    date = PlausibleDateField(label=_("Date"), past_years=1, future_years=0, widget=DATE_WIDGET)

    def __init__(
        self, *args: Any, participants: list[tuple[str, str]], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["participant"]).choices = participants
        self.fields["date"].initial = today


class CloseForm(StyledForm, forms.Form):
    close_reason = forms.ChoiceField(label=_("Reason"), choices=CloseReason.choices)
    closed_on = PlausibleDateField(
        label=_("Closed on"), past_years=1, future_years=0, widget=DATE_WIDGET
    )
    final_wellbeing = forms.TypedChoiceField(
        label=_("Final well-being score"),
        choices=[("", "-"), *LeuvenScore.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "The Leuven well-being scale at the end (not needed for a duo that did not start)."
        ),
        error_messages={
            "invalid_choice": _("Choose a score from 1 to 5 (the Leuven well-being scale)."),
        },
    )
    note = forms.CharField(label=_("Short explanation"), max_length=300, required=False)
    rematch_reason = forms.CharField(
        label=_("Look for a new buddy? Give the reason"),
        max_length=300,
        required=False,
        help_text=_(
            "Only after an early end. Leave empty to close the referral: nothing is rematched "
            "automatically."
        ),
    )


class EvaluationForm(StyledForm, forms.Form):
    text = forms.CharField(
        label=_("Your short evaluation of the duo"),
        max_length=EVALUATION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What went well, what was hard, what would you advise?"),
        error_messages={
            "max_length": _(
                "An evaluation is at most %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )


class PauseForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


# --- Concerns (and the short texts of the follow-up, which builds on these) -------------

SHORT_TEXT_ERRORS = {
    "max_length": _(
        "Keep it short: at most %(limit_value)d characters (now %(show_value)d). Nothing was saved."
    ),
    "required": _("Write a few words."),
}


def short_text_field(label: Any, *, required: bool = True, rows: int = 3) -> forms.CharField:
    """A short note (at most NOTE_MAX_CHARS), with the same clear errors everywhere."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=SHORT_TEXT_ERRORS,
    )


class ConcernForm(StyledForm, forms.Form):
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Urgent: the programme coordinator and the school's care coordinator get a mail "
            "at once. In danger, call 112 first."
        ),
    )
    text = short_text_field(_("What did you notice?"), rows=4)


class AcknowledgeForm(StyledForm, forms.Form):
    note = short_text_field(_("What will be done? (optional)"), required=False, rows=2)


class ConcernOutcomeForm(StyledForm, forms.Form):
    """What was done about a concern (issue 13, point 5); the service checks the rest."""

    outcome = forms.ChoiceField(
        label=_("What was done?"),
        choices=ConcernOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what was done.")},
    )
    note = short_text_field(_("Note (required when it was resolved)"), required=False, rows=3)


class MeetingCancelForm(StyledForm, forms.Form):
    """Cancel a planned meeting ahead of time (issue 16, point 3)."""

    cancel_reason = forms.ChoiceField(label=_("Why is it cancelled?"), choices=CancelReason.choices)
    reason = short_text_field(_("A short explanation for the other side"))


class MeetingMoveForm(StyledForm, forms.Form):
    """Move a planned meeting to a new date and time (issue 16, point 3)."""

    date = PlausibleDateField(label=_("New date"), past_years=0, future_years=1, widget=DATE_WIDGET)
    start_time = forms.TimeField(
        label=_("New start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    reason = short_text_field(_("A short explanation for the other side"), required=False)


class ConfirmForm(StyledForm, forms.Form):
    """A page that asks "are you sure?" before a delete: only its button."""
