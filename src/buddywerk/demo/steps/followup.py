"""Step: the follow-up of the running duos: tandem notes, concerns, kijkwijzers, check-ins
and relationship surveys."""

import datetime as dt

from buddywerk.access.models import User
from buddywerk.followup import services as fs
from buddywerk.followup.models import Observation
from buddywerk.trajectories import concern_services as cs
from buddywerk.trajectories.enums import ConcernOutcome, TrajectoryStatus
from buddywerk.trajectories.models import Trajectory

from .. import dates
from ..people import person
from .duos import at


def _kijkwijzer(
    duo: Trajectory,
    coordinator: User,
    day: dt.date,
    scores: list[int],
    actions: list[tuple[str, dt.date]],
    today: dt.date,
) -> Observation:
    criteria = fs.observation_criteria_for(duo.programme)
    notes = {0: "Ze lachen veel samen; de buddy vraagt door.", 3: "Voorbereiding kan beter."}
    return fs.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=day,
        scores={c.pk: (scores[i % len(scores)], notes.get(i, "")) for i, c in enumerate(criteria)},
        summary="Een warme band; afspraken over de voorbereiding gemaakt.",
        actions=actions,
        today=today,
    )


def _on_track(duo: Trajectory, today: dt.date) -> None:
    """Ilias and his student buddy: followed closely, everything in order."""
    buddy, staff = duo.buddy.user, person("zorg.ursulinen")
    teacher, coordinator = person("leerkracht.ursulinen"), person("coordinator.mechelen")
    start = duo.planned_start
    fs.tandem_note_add(
        actor=buddy,
        trajectory=duo,
        text="Ilias werkt goed mee. Hij vindt breuken nog moeilijk: kan de klas daar even "
        "op letten?",
    )
    fs.tandem_note_add(
        actor=teacher,
        trajectory=duo,
        text="Dank je! We oefenen breuken deze week ook in de klas; ik geef je de oefenbundel mee.",
    )
    fs.tandem_note_add(
        actor=buddy,
        trajectory=duo,
        kind="parent_signal",
        text="Mama vraagt of de school de Smartschool-berichten ook op papier kan meegeven.",
    )
    # The low intake score opened a concern by itself: the coordinator took it up.
    for automatic in duo.concerns.open():
        cs.concern_acknowledge(
            actor=coordinator,
            concern=automatic,
            note="Besproken met de zorgcoördinator; we volgen het welbevinden wekelijks op.",
            now=at(start + dt.timedelta(days=2), 10),
        )
    # A concern as a whole case (issue 13, point 5): raised by the buddy, taken up by the
    # school, referred to its care team, closed by the coordinator.
    breakfast = cs.concern_raise(
        actor=buddy,
        trajectory=duo,
        urgency="attention",
        text="Ilias komt vaak zonder ontbijt naar de sessie en is dan snel moe.",
        now=at(start + dt.timedelta(days=3), 16),
    )
    cs.concern_acknowledge(
        actor=staff,
        concern=breakfast,
        note="Ik bespreek het op het zorgoverleg van donderdag.",
        now=at(start + dt.timedelta(days=4), 9),
    )
    cs.concern_record_outcome(
        actor=staff,
        concern=breakfast,
        outcome=ConcernOutcome.CARE_TEAM,
        note="Het zorgteam volgt het op; Ilias krijgt ontbijt op school.",
        now=at(start + dt.timedelta(days=9), 14),
    )
    cs.concern_close(actor=coordinator, concern=breakfast, now=at(start + dt.timedelta(days=12), 9))
    # Taken up by the school, but without an outcome yet 36 days later: the lead (Mo) sees
    # it on the home page among the concerns open for more than 30 days.
    concern = cs.concern_raise(
        actor=buddy,
        trajectory=duo,
        urgency="attention",
        text="Ilias zegt dat hij 's avonds weinig slaapt door de drukte thuis.",
        now=at(start + dt.timedelta(days=20), 17),
    )
    cs.concern_acknowledge(
        actor=staff,
        concern=concern,
        note="Ik spreek de ouders aan op het oudercontact.",
        now=at(start + dt.timedelta(days=21), 9),
    )
    for offset in (4, 18, 40):
        if start + dt.timedelta(days=offset) <= today:
            fs.checkin_record(
                actor=coordinator,
                trajectory=duo,
                date=start + dt.timedelta(days=offset),
                channel="phone" if offset < 30 else "visit",
                note="Alles loopt vlot.",
                today=today,
            )
    observed = start + dt.timedelta(days=17)
    observation = _kijkwijzer(
        duo,
        coordinator,
        observed,
        [4, 3, 4, 2, 3, 4],
        [
            ("Samen met de buddy een vaste opbouw van de sessie maken", observed),
            ("Vragen hoe de oefenbundel helpt", today + dt.timedelta(days=10)),
        ],
        today,
    )
    first = observation.actions.order_by("due_on").first()
    if first is not None:
        fs.action_done(actor=coordinator, action=first)
    fs.survey_record(
        actor=buddy,
        trajectory=duo,
        respondent="buddy",
        moment="day30",
        answers=[4, 5, 4, 4],
        answered_on=start + dt.timedelta(days=30),
        today=today,
    )
    fs.survey_record(
        actor=staff,
        trajectory=duo,
        respondent="participant",
        moment="day30",
        answers=[5, 5, 4, 4],
        answered_on=start + dt.timedelta(days=31),
        today=today,
    )


def _needs_attention(duo: Trajectory, today: dt.date) -> None:
    """Sem and Jana: an urgent concern of the school, still open; a check-in missed; no
    kijkwijzer yet."""
    buddy, staff = duo.buddy.user, person("zorg.busleyden")
    fs.tandem_note_add(
        actor=staff,
        trajectory=duo,
        text="Jana was deze week twee keer afwezig. Weet jij iets meer?",
    )
    fs.tandem_note_add(
        actor=buddy,
        trajectory=duo,
        kind="home_visit",
        text="Kort langs geweest met de huiswerkmap; papa was er, hij belt de school.",
    )
    cs.concern_raise(
        actor=staff,
        trajectory=duo,
        urgency="urgent",
        text="Jana vertelde in de klas dat ze thuis niet meer durft te slapen.",
        now=at(today - dt.timedelta(days=1), 11),
    )
    fs.checkin_record(
        actor=person("coordinator.mechelen"),
        trajectory=duo,
        date=duo.planned_start + dt.timedelta(days=5),
        channel="message",
        today=today,
    )
    fs.survey_record(
        actor=buddy,
        trajectory=duo,
        respondent="buddy",
        moment="day30",
        answers=[3, 3, 2, 3],
        answered_on=today,
        today=today,
    )


def _family(duo: Trajectory, today: dt.date) -> None:
    """The Diallo family: a concern nobody acknowledged (escalated to the lead), an action
    past its due date."""
    buddy, coordinator = duo.buddy.user, person("coordinator.gent")
    fs.tandem_note_add(
        actor=buddy,
        trajectory=duo,
        kind="home_visit",
        text="Huisbezoek: samen de schoolagenda en het schoolplatform overlopen.",
    )
    fs.tandem_note_add(
        actor=person("onthaal.gent"),
        trajectory=duo,
        text="Fijn! Wij zoeken een plaats in de taalkampen voor de zomer.",
    )
    cs.concern_raise(
        actor=buddy,
        trajectory=duo,
        urgency="info",
        text="De huurbaas dreigt de huur op te zeggen; de familie weet niet waar ze terecht kan.",
        now=at(today - dt.timedelta(days=6), 18),
    )
    cs.concerns_escalate(now=at(today, 8))
    for offset in (3, 17, 45):
        fs.checkin_record(
            actor=coordinator,
            trajectory=duo,
            date=duo.planned_start + dt.timedelta(days=offset),
            channel="visit",
            today=today,
        )
    observed = duo.planned_start + dt.timedelta(days=24)
    _kijkwijzer(
        duo,
        coordinator,
        observed,
        [3, 3, 4, 3, 2, 4],
        [
            (
                "Sociale kaart: de buddy wijzen op het Huurderssyndicaat",
                observed + dt.timedelta(days=7),
            )
        ],
        today,
    )


# (how the duo is found, what its follow-up looks like)
FOLLOWED = [
    ({"pupil__first_name": "Ilias", "pupil__school__school_number": "900001"}, _on_track),
    ({"pupil__first_name": "Sem", "pupil__school__school_number": "900002"}, _needs_attention),
    ({"family__contact_name": "Familie Diallo"}, _family),
]


def followup() -> None:
    """Coordinators find the follow-up overview with one duo of each kind: Ilias's duo on
    track (tandem notes between buddy and teacher, a parent's signal, a concern closed with
    an outcome and one taken up 36 days ago that has none yet, check-ins, a kijkwijzer
    with one action done and one open, relationship surveys); Sem and Jana's duo needing
    attention (an urgent concern of the school still open, a missed check-in); Familie
    Diallo's duo with a concern nobody acknowledged, escalated to the programme's lead, and
    an action past its due date."""
    today = dates.today()
    for finder, build in FOLLOWED:
        duo = (
            Trajectory.objects.filter(**{f"participants__{k}": v for k, v in finder.items()})
            .filter(status=TrajectoryStatus.ACTIVE)
            .first()
        )
        if duo is not None and not duo.tandem_notes.exists():
            build(duo, today)
