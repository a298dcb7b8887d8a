"""Forms of the follow-up pages. They shape and check input; the rules live in
services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddywerk.common.plausible import PlausibleDateField
from buddywerk.trajectories.forms import (
    DATE_WIDGET,
    SHORT_TEXT_ERRORS,
    StyledForm,
    short_text_field,
)

from .models import (
    FOLLOWUP_TEXT_MAX_CHARS,
    CheckInChannel,
    ObservationCriterion,
    SurveyMoment,
    SurveyRespondent,
    TandemKind,
)


class TandemNoteForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TandemKind.choices, initial=TandemKind.NOTE)
    text = short_text_field(_("Your note"))

    def __init__(self, *args: Any, buddy: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not buddy:
            # R11: home visits and parents' signals are the buddy's to log.
            del self.fields["kind"]


class TandemNoteEditForm(StyledForm, forms.Form):
    """Correct the text of one's own tandem note (issue 16)."""

    text = short_text_field(_("Your note"))


SCORE_CHOICES = [
    (1, _("1 – insufficient")),
    (2, _("2 – needs work")),
    (3, _("3 – good")),
    (4, _("4 – very good")),
]
ACTION_ROWS = 3


class ObservationForm(StyledForm, forms.Form):
    """R12: one score (1-4) and a note per criterion of the programme's kijkwijzer, a
    summary, and up to three follow-up actions with a due date."""

    observed_on = PlausibleDateField(
        label=_("Observed on"), past_years=1, future_years=0, widget=DATE_WIDGET
    )
    summary = short_text_field(_("Summary"), required=False)

    def __init__(self, *args: Any, criteria: list[ObservationCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["observed_on"].initial = timezone.localdate()
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("A score is from 1 to 4; %(value)s is not on the scale."),
                    "required": _("Give a score from 1 to 4."),
                },
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Note on “%(criterion)s”") % {"criterion": criterion.label},
                required=False,
                max_length=FOLLOWUP_TEXT_MAX_CHARS,
                error_messages=SHORT_TEXT_ERRORS,
            )
        for index in range(ACTION_ROWS):
            self.fields[f"action_{index}"] = forms.CharField(
                label=_("Follow-up action %(number)s") % {"number": index + 1},
                required=False,
                max_length=300,
            )
            self.fields[f"due_{index}"] = PlausibleDateField(
                label=_("Due date of action %(number)s") % {"number": index + 1},
                required=False,
                past_years=1,
                future_years=2,
                widget=DATE_WIDGET,
            )
        self._style()

    def criterion_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"score_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def action_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"action_{i}"], self[f"due_{i}"]) for i in range(ACTION_ROWS)]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "observed_on": data["observed_on"],
            "summary": data["summary"],
            "scores": {
                c.pk: (data.get(f"score_{c.pk}"), data.get(f"note_{c.pk}", ""))
                for c in self.criteria
            },
            "actions": [
                (data.get(f"action_{i}", ""), data.get(f"due_{i}")) for i in range(ACTION_ROWS)
            ],
        }


class CheckInForm(StyledForm, forms.Form):
    date = PlausibleDateField(label=_("Date"), past_years=1, future_years=0, widget=DATE_WIDGET)
    channel = forms.ChoiceField(label=_("How were you in touch?"), choices=CheckInChannel.choices)
    note = short_text_field(_("Note"), required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = today


SURVEY_SCALE = [
    (1, _("1 – not true at all")),
    (2, _("2 – mostly not true")),
    (3, _("3 – sometimes true")),
    (4, _("4 – mostly true")),
    (5, _("5 – completely true")),
]

# A few plain-Dutch items in the style of the Strength of Relationship scale.
SURVEY_ITEMS = {
    SurveyRespondent.BUDDY: (
        _("I feel close to my participant."),
        _("We enjoy our meetings together."),
        _("I know what matters to my participant."),
        _("Our meetings help my participant."),
    ),
    SurveyRespondent.PARTICIPANT: (
        _("My buddy listens to me."),
        _("I like our meetings."),
        _("I can tell my buddy when something bothers me."),
        _("My buddy helps me."),
    ),
}


class SurveyForm(StyledForm, forms.Form):
    moment = forms.ChoiceField(label=_("Moment"), choices=SurveyMoment.choices)

    def __init__(self, *args: Any, respondent: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, question in enumerate(SURVEY_ITEMS[SurveyRespondent(respondent)], start=1):
            self.fields[f"item{index}"] = forms.TypedChoiceField(
                label=question,
                choices=SURVEY_SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Choose an answer from 1 to 5."),
                    "required": _("Choose an answer from 1 to 5."),
                },
            )
        self._style()

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"item{i}") for i in range(1, 5)]


class CriterionForm(StyledForm, forms.Form):
    label = forms.CharField(label=_("New criterion"), max_length=200)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(programmes) > 1:
            self.fields["programme"] = forms.TypedChoiceField(
                label=_("Programme"),
                choices=[(p.pk, p.name) for p in programmes],
                coerce=int,
            )
            self._style()
