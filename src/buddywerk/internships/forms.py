"""Forms of the internships pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.forms import InstitutionChoiceField
from buddywerk.common.plausible import PlausibleDateField, PlausibleIntegerField
from buddywerk.organisations.forms import BootstrapForm
from buddywerk.organisations.models import Programme, TrainingInstitution


class SupervisorInviteForm(BootstrapForm):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    # Shown to platform admins only (the view removes it for a contact).
    is_contact = forms.BooleanField(label=_("The institution's contact"), required=False)


class SharingForm(BootstrapForm):
    institution = InstitutionChoiceField(
        label=_("Your teacher-training institution"),
        queryset=TrainingInstitution.objects.order_by("name", "campus"),
        error_messages={"required": _("Choose your institution.")},
    )
    agree = forms.BooleanField(
        label=_(
            "I agree that the internship supervisors of this institution see my internship "
            "file: my duos without the pupil's name, my hours, intervisions, modules, "
            "kijkwijzers, evaluations and certificates. I can stop this at any time."
        ),
        error_messages={"required": _("Tick the box to agree.")},
    )


class PartnershipForm(BootstrapForm):
    institution = InstitutionChoiceField(
        label=_("Teacher-training institution"),
        queryset=TrainingInstitution.objects.order_by("name", "campus"),
    )
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    since = PlausibleDateField(label=_("Partners since"), past_years=10, future_years=1)
    contact = forms.ModelChoiceField(
        label=_("Contact (a supervisor of the institution)"),
        queryset=User.objects.none(),
        required=False,
    )
    student_count = PlausibleIntegerField(
        label=_("Number of students"), min_value=0, max_value=2000, initial=0
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["contact"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=Membership.objects.active()
            .filter(role=Role.INTERNSHIP_SUPERVISOR)
            .values("user_id")
        ).order_by("last_name", "first_name")


class AttestationCheckForm(BootstrapForm):
    code = forms.CharField(label=_("Verification code"), max_length=40)
