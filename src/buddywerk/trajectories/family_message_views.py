"""Pages for short messages to a family's contact person (issue 20, point 4): from a family
duo, its programme's coordinator records how the contact person wants messages (SMS or
mail, in which language, with their consent) or withdraws it; a family programme's
coordinator keeps the programme's message texts per language, with a preview. The
services (with their audit) are in mail/family_services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from buddywerk.access import policy
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.plausible import PhoneNumberField, PlausibleDateField
from buddywerk.common.vocabulary import Language
from buddywerk.mail import family_services
from buddywerk.mail.models import FamilyContact, FamilyMessageKind, MessageChannel
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Family

from .forms import DATE_WIDGET, StyledForm
from .models import Trajectory

# --- The family's contact person -------------------------------------------------------


class FamilyContactForm(StyledForm, forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Send the messages by"),
        choices=MessageChannel.choices,
        widget=forms.RadioSelect,
    )
    phone = PhoneNumberField(
        label=gettext_lazy("Mobile number"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("For SMS, e.g. 0470 12 34 56."),
    )
    email = forms.CharField(
        label=gettext_lazy("Email address"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("For mail."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of the messages"))
    consent = forms.BooleanField(
        label=gettext_lazy("The contact person agreed to get these messages."), required=False
    )
    consent_date = PlausibleDateField(
        label=gettext_lazy("Agreed on"), past_years=1, future_years=0, widget=DATE_WIDGET
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = languages
        self._style()

    def clean_consent_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["consent_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day of the consent cannot be in the future."))
        return day


def _family_duo(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID
) -> tuple[Trajectory, Family]:
    duo = get_object_or_404(
        policy.family_contact_duos(request.user, Trajectory.objects.select_related("programme")),
        uuid=trajectory_uuid,
    )
    participant = duo.participants.filter(family__isnull=False).select_related("family").first()
    if participant is None or participant.family is None:  # the scope asks for a family
        raise PermissionDenied
    return duo, participant.family


def _languages(request: AuthenticatedHttpRequest, family: Family) -> list[tuple[str, str]]:
    """Plain Dutch and every language one of the family's programmes keeps texts in."""
    choices: dict[str, str] = {}
    for programme in policy.family_message_programmes(request.user, family):
        choices.update(family_services.language_choices(programme))
    return list(choices.items())


def _consent_moment(day: dt.date) -> dt.datetime | None:
    """Today is now; an earlier day (consent asked on paper) is noon of that day."""
    if day == timezone.localdate():
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def family_contact(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    duo, family = _family_duo(request, trajectory_uuid)
    contact = FamilyContact.objects.filter(family=family).first()
    initial: dict[str, Any] = {"consent_date": timezone.localdate(), "channel": "sms"}
    if contact is not None:
        initial = {
            "channel": contact.channel,
            "phone": contact.phone,
            "email": contact.email,
            "language": contact.language,
            "consent": True,
            "consent_date": timezone.localdate(contact.consent_at),
        }
    form = FamilyContactForm(
        request.POST or None, languages=_languages(request, family), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_submit(
            form,
            lambda: family_services.family_contact_save(
                actor=request.user,
                family=family,
                channel=data["channel"],
                phone=data["phone"],
                email=data["email"],
                language=data["language"],
                consent=data["consent"],
                now=_consent_moment(data["consent_date"]),
            ),
        )
        if saved is not None:
            messages.success(request, _("The family's contact person for messages is saved."))
            return redirect("trajectories:family_contact", duo.uuid)
    return render(
        request,
        "trajectories/family_contact.html",
        {"trajectory": duo, "family": family, "contact": contact, "form": form},
    )


@require_POST
def family_contact_withdraw(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID
) -> HttpResponse:
    duo, family = _family_duo(request, trajectory_uuid)
    if FamilyContact.objects.filter(family=family).exists():
        family_services.family_contact_delete(actor=request.user, family=family)
        messages.success(
            request,
            _(
                "Consent withdrawn: the family gets no more messages; "
                "the number or address is deleted."
            ),
        )
    return redirect("trajectories:family_contact", duo.uuid)


# --- The programme's message texts -----------------------------------------------------

PLACEHOLDER_HELP = [
    ("{date}", gettext_lazy("the day of the meeting, e.g. %(example)s")),
    ("{time}", gettext_lazy("the start time, e.g. %(example)s (empty when no time is planned)")),
    ("{place}", gettext_lazy("where they meet, e.g. %(example)s")),
]


class MessageTemplateForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Message"), choices=FamilyMessageKind.choices)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[(code, label) for code, label in Language.choices if code != Language.OTHER],
    )
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("At most 320 characters (two SMS)."),
    )


def _template_programmes(request: AuthenticatedHttpRequest) -> Any:
    return Programme.objects.filter(
        pk__in=policy.group_activity_programme_ids(request.user)
    ).order_by("name")


def message_template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_plan_group_activities(request.user):
        raise PermissionDenied
    return render(
        request,
        "trajectories/message_template_list.html",
        {"programmes": _template_programmes(request)},
    )


def _rows(programme: Programme) -> list[dict[str, Any]]:
    """Each kind of message in each language the programme offers: its text (Dutch falls
    back on the built-in text) and the preview with the example values."""
    kept = {(t.kind, t.language): t.text for t in programme.message_templates.all()}
    labels = dict(Language.choices)
    rows = []
    for language in family_services.message_languages(programme):
        for kind in FamilyMessageKind:
            text = kept.get((kind.value, language))
            built_in = text is None and language == family_services.DUTCH
            if built_in:
                text = family_services.DEFAULT_TEXTS[kind]
            rows.append(
                {
                    "kind": kind,
                    "language": language,
                    "language_label": labels.get(language, language),
                    "text": text,
                    "built_in": built_in,
                    "preview": family_services.template_preview(text) if text else "",
                }
            )
    return rows


def message_template_edit(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    programme = get_object_or_404(_template_programmes(request), uuid=programme_uuid)
    initial: dict[str, Any] = {"kind": FamilyMessageKind.MEETING_REMINDER, "language": "nl"}
    if request.method == "GET":
        kind = request.GET.get("kind", "")
        language = request.GET.get("language", "")
        if kind in FamilyMessageKind.values and language in Language.values:
            kept = programme.message_templates.filter(kind=kind, language=language).first()
            initial = {"kind": kind, "language": language, "text": kept.text if kept else ""}
    form = MessageTemplateForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        if "preview" in request.POST:
            if problems := family_services.template_problems(text):
                form.add_error("text", problems)
            else:
                preview = family_services.template_preview(text.strip())
        else:
            saved = form_submit(
                form,
                lambda: family_services.message_template_save(
                    actor=request.user,
                    programme=programme,
                    kind=form.cleaned_data["kind"],
                    language=form.cleaned_data["language"],
                    text=text,
                ),
            )
            if saved is not None:
                messages.success(request, _("The message text is saved."))
                return redirect("trajectories:message_template_edit", programme.uuid)
    example = family_services.EXAMPLE_CONTEXT
    placeholders = [
        (name, str(help_text) % {"example": example[name.strip("{}")]})
        for name, help_text in PLACEHOLDER_HELP
    ]
    return render(
        request,
        "trajectories/message_template_edit.html",
        {
            "programme": programme,
            "form": form,
            "preview": preview,
            "rows": _rows(programme),
            "placeholders": placeholders,
        },
    )
