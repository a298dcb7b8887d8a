"""Forms of the qualitative report: opening a period with the funder's questions, changing
them, and the answers (drafts keep whatever is typed; submitting needs every answer)."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import periods
from .qualitative_models import ANSWER_MAX, QualitativeKind, QualitativeQuestion

# The questions of the decree's qualitative report (seed 003), offered when a period is
# opened; the funder changes them as they like.
DEFAULT_QUESTIONS = [
    _("How did the regional cooperation with teacher-training institutions and schools go?"),
    _("What worked well this period?"),
    _("What did not work, and why?"),
    _("What are your plans for the next period?"),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QuestionsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 6})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("The funder's questions"))
        kwargs.setdefault("help_text", _("One question per line."))
        super().__init__(**kwargs)


class PeriodOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=QualitativeKind.choices)
    school_year = forms.TypedChoiceField(
        label=pgettext_lazy("report period", "School year"), coerce=int
    )
    questions = QuestionsField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = periods.school_year_of(timezone.localdate())
        field = cast(forms.TypedChoiceField, self.fields["school_year"])
        field.choices = [
            (year, periods.school_year_label(year))
            for year in range(this_year + 1, this_year - 3, -1)
        ]
        if not self.is_bound:
            field.initial = this_year
            self.fields["questions"].initial = "\n".join(str(q) for q in DEFAULT_QUESTIONS)

    def question_lines(self) -> list[str]:
        return _lines(self.cleaned_data["questions"])


class QuestionsForm(forms.Form):
    questions = QuestionsField()

    def question_lines(self) -> list[str]:
        return _lines(self.cleaned_data["questions"])


class AnswersForm(forms.Form):
    """One text per question; empty is allowed in a draft."""

    def __init__(self, *args: Any, questions: list[QualitativeQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                max_length=ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}
