"""Step: a family programme's group activity (issue 20, point 4): its coordinator plans a
reading afternoon at the library for several families' duos and takes attendance, so each
family that came has a held meeting; one family's contact person gets short messages by
SMS in French (the console gateway prints them). Only through the services; a second run
changes nothing."""

import datetime as dt

from buddywerk.access.models import Membership, Role
from buddywerk.mail import family_services
from buddywerk.mail.models import FamilyMessageKind
from buddywerk.organisations.models import ParticipantKind, Programme
from buddywerk.trajectories import group_services
from buddywerk.trajectories.models import GroupActivity

from .. import dates

TITLE = "Voorleesnamiddag in de bib"


def group_activities() -> None:
    """The first family programme's coordinator plans a library afternoon for its running
    family duos, takes attendance (each family that came gets a held meeting) and gives one
    family's contact person short messages by SMS in French."""
    if GroupActivity.objects.filter(title=TITLE).exists():
        return
    for programme in Programme.objects.filter(
        participant_kind__in=[ParticipantKind.FAMILIES, ParticipantKind.BOTH]
    ).order_by("name"):
        duos = group_services.invitable_duos(programme)
        membership = (
            Membership.objects.filter(organisation=programme, role=Role.PROGRAMME_COORDINATOR)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if len(duos) < 2 or membership is None:
            continue
        coordinator = membership.user
        activity = group_services.group_activity_plan(
            actor=coordinator,
            programme=programme,
            title=TITLE,
            date=dates.today(),
            start_time=dt.time(14, 0),
            duration_minutes=90,
            mode="out_about",
            place="Stadsbibliotheek",
            trajectories=duos[:3],
        )
        group_services.group_activity_attendance(
            actor=coordinator, activity=activity, attended=[duo.pk for duo in duos[:2]]
        )
        family_services.message_template_save(
            actor=coordinator,
            programme=programme,
            kind=FamilyMessageKind.MEETING_REMINDER,
            language="fr",
            text="Bonjour ! Demain, {date} à {time}, vous voyez votre buddy. Où : {place}.",
        )
        family = duos[0].participants.filter(family__isnull=False).first()
        if family is not None and family.family is not None:
            family_services.family_contact_save(
                actor=coordinator,
                family=family.family,
                channel="sms",
                phone="0470 00 00 00",
                language="fr",
                consent=True,
            )
        return
