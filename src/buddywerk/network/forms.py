"""Forms of the network app. They validate input; the services hold the rules."""

from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from buddywerk.common.lengths import show_length_limits
from buddywerk.common.plausible import (
    PhoneNumberField,
    PlausibleDateField,
    model_number_bounds,
)
from buddywerk.geo.models import Municipality, Province

from .models import (
    CONTENT_FIELDS,
    CONTENT_M2M,
    Audience,
    LocalService,
    PolicyDomain,
    PracticeCategory,
    PracticeSubmission,
    Question,
    ServiceCategory,
    TargetGroup,
)
from .photos import PhotoFormField, PhotoInput
from .services import LOCAL_SERVICE_FIELDS
from .text import validate_no_markup


class BootstrapMixin:
    """Bootstrap classes on every widget, so `{{ form }}` (Django's accessible div layout:
    labels, help text and errors tied to their field) looks like the rest of the site."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():  # type: ignore[attr-defined]
            widget = bound.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class PracticeSearchForm(BootstrapMixin, forms.Form):
    """The public search: every choice is a GET parameter, so a search is a shareable URL."""

    q = forms.CharField(label=_("Search words"), required=False, max_length=200)
    category = forms.MultipleChoiceField(
        label=_("Category"), required=False, widget=forms.CheckboxSelectMultiple
    )
    domain = forms.MultipleChoiceField(
        label=_("Policy domain"), required=False, widget=forms.CheckboxSelectMultiple
    )
    province = forms.MultipleChoiceField(
        label=_("Province"), required=False, widget=forms.CheckboxSelectMultiple
    )
    target = forms.MultipleChoiceField(
        label=_("Target group"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "category": PracticeCategory.objects.values_list("slug", "name"),
            "domain": PolicyDomain.objects.values_list("slug", "name"),
            "target": TargetGroup.objects.values_list("slug", "name"),
            "province": Province.objects.filter(region__in=["VLG", "BRU"]).values_list(
                "code", "name"
            ),
        }
        for name, values in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = values


class PracticeSubmissionForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A proposed sheet or change. Anyone may send it; nothing is public before moderation."""

    places = forms.ModelMultipleChoiceField(
        label=_("Places"),
        queryset=Municipality.objects.served(),
        help_text=_("The municipalities where the practice runs (hold Ctrl to choose more)."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=PracticeCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    policy_domains = forms.ModelMultipleChoiceField(
        label=_("Policy domains"),
        queryset=PolicyDomain.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_phone = PhoneNumberField(
        label=capfirst(PracticeSubmission._meta.get_field("contact_phone").verbose_name),
        required=False,
    )
    photo = PhotoFormField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
        widget=PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = PracticeSubmission
        fields = [*CONTENT_FIELDS, *CONTENT_M2M, "submitter_name", "submitter_email"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "target_group": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "success_factors": forms.Textarea(attrs={"rows": 4}),
            "challenges": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(
        self, *args: Any, with_submitter: bool = True, photo_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.photo_url = photo_url
        # Programmes are linked by a moderator in the admin, not by anyone on the web.
        del self.fields["programme"]
        if not with_submitter:
            del self.fields["submitter_name"]
            del self.fields["submitter_email"]
        show_length_limits(self)

    def content(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(fields, relations) for the services."""
        fields = {
            name: self.cleaned_data[name] for name in CONTENT_FIELDS if name in self.cleaned_data
        }
        if fields.get("photo") is False:  # "clear" ticked
            fields["photo"] = ""
        relations = {name: self.cleaned_data[name] for name in CONTENT_M2M}
        return fields, relations


class ModerationForm(BootstrapMixin, forms.Form):
    """The moderator's message; each decision (publish, ask for changes, reject) is its own
    button and endpoint. Asking for changes and rejecting need a reason."""

    reason = forms.CharField(
        label=_("Message to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_markup],
        help_text=_("Needed when you ask for changes or reject."),
    )

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason_required = reason_required

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.reason_required and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Tell the author why, in a sentence or two."))
        return data


class QuestionSearchForm(BootstrapMixin, forms.Form):
    audience = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("Everyone")), *Audience.choices]
    )
    q = forms.CharField(label=_("Search words"), required=False, max_length=200)


class QuestionForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Question
        fields = ["audience", "question", "answer", "position", "is_published"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_number_bounds(self)


class QuestionAskForm(BootstrapMixin, forms.Form):
    """Issue 16, point 11: a question asked by a buddy, a care coordinator or a programme
    coordinator, in the name of one of the asker's own audiences."""

    audience = forms.ChoiceField(label=_("I ask as"))
    question = forms.CharField(
        label=_("Your question"),
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 250}),
        help_text=_(
            "At most 250 characters. Do not name a pupil, a family or a buddy: the answer"
            " is public."
        ),
    )

    def __init__(self, *args: Any, audiences: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["audience"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(c, label) for c, label in Audience.choices if c in audiences]


class LocalServiceFilterForm(BootstrapMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.served(),
        required=False,
        to_field_name="nis_code",
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *ServiceCategory.choices],
    )


class ServiceIntroductionForm(BootstrapMixin, forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=LocalService.objects.filter(is_active=True)
    )

    def __init__(self, *args: Any, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        if services is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = services
            field.label_from_instance = lambda service: (  # type: ignore[method-assign,assignment]
                f"{service.name} ({service.get_category_display()}, {service.municipality.name})"
            )

    introduced_on = PlausibleDateField(label=_("Date"), past_years=1, future_years=0)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, validators=[validate_no_markup]
    )


class LocalServiceForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Issue 20: a local service of the sociale kaart, kept in the application."""

    phone = PhoneNumberField(
        label=capfirst(LocalService._meta.get_field("phone").verbose_name), required=False
    )

    class Meta:
        model = LocalService
        fields = LOCAL_SERVICE_FIELDS  # the fields local_service_save writes
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from buddywerk.access import policy

        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = policy.local_service_municipalities_of(
                user, Municipality.objects.all()
            ).order_by("name")
