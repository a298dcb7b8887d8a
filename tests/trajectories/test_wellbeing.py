"""Well-being: Leuven scale 1-5, by buddy or school, the pupil's smiley; a 7 is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.trajectories import services
from buddywerk.trajectories.models import WellbeingScore
from tests.trajectories.factories import TrajectoryFactory, school_staff_of

pytestmark = pytest.mark.django_db


def test_school_and_pupil_scores_and_the_chart(client):
    duo = TrajectoryFactory()
    participant = duo.participants.get()
    staff = school_staff_of(duo)
    services.wellbeing_record(
        actor=staff,
        trajectory=duo,
        participant=participant,
        moment="intake",
        score=2,
        date=duo.planned_start,
    )
    services.wellbeing_record(
        actor=duo.buddy.user,
        trajectory=duo,
        participant=participant,
        moment="midway",
        score=4,
        participant_answer=True,
    )
    assert list(WellbeingScore.objects.values_list("source", flat=True)) == [
        "school",
        "participant",
    ]
    client.force_login(staff)
    page = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
    assert "<svg" in page
    assert "bw-series-school" in page
    assert "<caption" in page  # the data table behind the chart


def test_a_score_of_seven_is_refused(client):
    duo = TrajectoryFactory()
    participant = duo.participants.get()
    with pytest.raises(ValidationError):
        services.wellbeing_record(
            actor=duo.buddy.user,
            trajectory=duo,
            participant=participant,
            moment="intake",
            score=7,
        )
    client.force_login(duo.buddy.user)
    response = client.post(
        reverse("trajectories:wellbeing_create", args=[duo.uuid]),
        {
            "participant": str(participant.uuid),
            "moment": "intake",
            "score": "7",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Kies een score van 1 tot 5" in response.content.decode()
    assert WellbeingScore.objects.count() == 0
