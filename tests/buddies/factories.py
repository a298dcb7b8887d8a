"""Helpers for the buddy tests: a complete profile and a programme with a coordinator."""

import datetime as dt
from typing import Any

from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.organisations.models import OrganisationKind, TrainingInstitution
from tests.factories import BuddyFactory, ProgrammeFactory, UserFactory, member, postcode


def institution(name: str = "Thomas More") -> TrainingInstitution:
    found, _ = TrainingInstitution.objects.get_or_create(
        name=name, defaults={"kind": OrganisationKind.TRAINING_INSTITUTION, "campus": "Mechelen"}
    )
    return found


def profile(**overrides: Any) -> dict[str, Any]:
    """A valid profile for buddy_register / buddy_update_profile (a volunteer student)."""
    data: dict[str, Any] = {
        "kind": "student",
        "on_internship": False,
        "training_institution": institution(),
        "training_institution_name": "",
        "field_of_study": "teacher_training",
        "teaching_qualification": "",
        "background": "",
        "languages": ["nl", "fr"],
        "competences": ["maths", "dutch"],
        "school_levels": ["primary"],
        "meeting_modes": ["school"],
        "slots": ["wed-pm", "mon-after"],
        "home_postcode": postcode("2800"),
        "travel_radius_km": 10,
        "online_only": False,
        "capacity": 1,
        "available_from": timezone.localdate(),
        "available_until": timezone.localdate() + dt.timedelta(days=180),
    }
    data.update(overrides)
    return data


def coordinated_programme(**kwargs: Any):  # type: ignore[no-untyped-def]
    programme = ProgrammeFactory(**kwargs)
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    return programme, coordinator


def applicant(programme, **kwargs: Any):  # type: ignore[no-untyped-def]
    kwargs.setdefault("status", "applied")
    kwargs.setdefault("extract_seen_on", None)
    return BuddyFactory(programmes=[programme], **kwargs)
