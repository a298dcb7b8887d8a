"""Forms of matching: the programme's settings and the answers to a proposal."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buddywerk.common.plausible import model_number_bounds

from .models import ProgrammeMatchingSettings
from .services import SETTINGS_FIELDS


class MatchingSettingsForm(forms.ModelForm[ProgrammeMatchingSettings]):
    class Meta:
        model = ProgrammeMatchingSettings
        fields = SETTINGS_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_number_bounds(self)
        for name in ("sector", "track", "tags"):
            self.fields[name].required = False
        # issue 21: the path tags as one short text per line
        tags = self.fields["path_tags"]
        self.fields["path_tags"] = forms.CharField(
            label=tags.label,
            help_text=_("One per line.") + " " + str(tags.help_text),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        self.initial["path_tags"] = "\n".join(self.instance.path_tags or [])
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                field.widget.attrs.setdefault("class", "form-control")

    # issue 21: the mentor and role-model weights are 0 unless a programme sets them
    def clean_sector(self) -> int:
        return self.cleaned_data.get("sector") or 0

    def clean_track(self) -> int:
        return self.cleaned_data.get("track") or 0

    def clean_tags(self) -> int:
        return self.cleaned_data.get("tags") or 0

    def clean_path_tags(self) -> list[str]:
        text = self.cleaned_data.get("path_tags") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class AnswerForm(forms.Form):
    """Accept or decline (the buddy), confirm or refuse (the school): one form, each button
    posts to its own answer's endpoint. A no needs a reason (the service says so)."""

    reason = forms.CharField(
        label=_("Reason (needed when you say no)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("The programme reads this. No medical or family details."),
    )
