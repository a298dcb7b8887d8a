"""Issue 13, point 6: `buddywerk check-safeguarding` reports every broken safeguarding
invariant, by public id only, and exits non-zero when it finds any."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from buddywerk.buddies import rules
from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.trajectories import concern_services
from buddywerk.trajectories.enums import Urgency
from buddywerk.trajectories.safeguarding_check import Finding, safeguarding_findings
from tests.factories import BuddyFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of
from tests.trajectories.test_safeguarding_cascade import _decline, _decline_world

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    try:
        call_command("check_safeguarding", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_a_clean_world_and_a_declined_buddys_paused_duos_have_no_findings():
    TrajectoryFactory()
    TrajectoryFactory(family=True)
    w = _decline_world()
    _decline(w)
    code, out = _run()
    assert (code, out.strip()) == (0, "findings: 0")


def test_an_extract_that_ran_out_under_an_active_duo_with_a_minor_is_found():
    today = timezone.localdate()
    # the extract's last valid day is in 20 days; the duo ends within it
    seen = rules.add_months(today + dt.timedelta(days=21), -36)
    buddy = BuddyFactory(extract_seen_on=seen)
    duo = TrajectoryFactory(buddy=buddy, planned_end=today + dt.timedelta(days=20))
    assert safeguarding_findings() == []
    last_day = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=20), dt.time(12)))
    assert safeguarding_findings(now=last_day) == []
    day_after = last_day + dt.timedelta(days=1)
    assert safeguarding_findings(now=day_after) == [
        Finding("minor_without_extract", str(duo.uuid), str(buddy.uuid))
    ]
    code, out = _run("--at", day_after.isoformat())
    assert code == 1
    assert f"minor_without_extract: {duo.uuid} (buddy {buddy.uuid})" in out
    pupil = duo.participants.get().pupil
    assert pupil.last_name not in out and pupil.first_name not in out


def test_a_declined_buddy_with_an_active_duo_is_found():
    duo = TrajectoryFactory(adult=True)  # no minor: only the declined buddy counts
    # data from before the cascade existed: the buddy was declined, the duo kept running
    Buddy.objects.filter(pk=duo.buddy_id).update(status=ScreeningStatus.DECLINED)
    assert safeguarding_findings() == [
        Finding("declined_buddy", str(duo.uuid), str(duo.buddy.uuid))
    ]


def test_a_duo_past_its_buddys_last_day_is_found():
    duo = TrajectoryFactory()
    Buddy.objects.filter(pk=duo.buddy_id).update(
        available_until=duo.planned_end - dt.timedelta(days=1)
    )
    assert [f.kind for f in safeguarding_findings()] == ["past_last_day"]
    Buddy.objects.filter(pk=duo.buddy_id).update(available_until=duo.planned_end)
    assert safeguarding_findings() == []


def test_an_urgent_concern_unacknowledged_past_its_deadline_is_found():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    raised = timezone.now() - dt.timedelta(days=7)
    concern = concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency=Urgency.URGENT, text="Zorg.", now=raised
    )
    assert safeguarding_findings(now=raised + dt.timedelta(hours=1)) == []
    assert safeguarding_findings() == [
        Finding("urgent_unacknowledged", str(concern.uuid), str(duo.buddy.uuid))
    ]
    concern_services.concern_acknowledge(actor=coordinator, concern=concern)
    assert safeguarding_findings() == []


def test_the_scheduled_run_mails_the_platform_admins_once_a_day():
    from buddywerk.access.models import Role
    from buddywerk.mail.models import OutgoingMail
    from buddywerk.trajectories.safeguarding_check import (
        FINDINGS_MAIL_KIND,
        safeguarding_check_run,
    )
    from tests.factories import OrganisationFactory, UserFactory, member

    admin = member(
        UserFactory(is_staff=True), OrganisationFactory(kind="umbrella"), Role.PLATFORM_ADMIN
    )
    duo = TrajectoryFactory()
    assert safeguarding_check_run() == 0
    assert not OutgoingMail.objects.filter(kind=FINDINGS_MAIL_KIND).exists()
    Buddy.objects.filter(pk=duo.buddy_id).update(status=ScreeningStatus.DECLINED)
    assert safeguarding_check_run() == 2  # declined, and so no longer allowed with a minor
    assert safeguarding_check_run() == 2
    mails = OutgoingMail.objects.filter(kind=FINDINGS_MAIL_KIND)
    assert [m.to for m in mails] == [admin.email]
    assert str(duo.uuid) in mails[0].body
    assert "2 problemen" in mails[0].subject
    pupil = duo.participants.get().pupil
    assert pupil.last_name not in mails[0].body
