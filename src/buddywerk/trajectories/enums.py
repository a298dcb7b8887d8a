"""The controlled lists of a trajectory (duo) and its meetings and well-being scores.

Codes are stored; labels are translated. Rules R7-R12 of DOMAIN.md.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrajectoryStatus(models.TextChoices):
    """Where a duo stands. Only the transitions of `TRAJECTORY` (workflow.py) change it,
    through the kernel in common/workflow.py (ARCHITECTURE.md 4)."""

    PLANNED = "planned", _("Agreements pending")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


# Meetings are logged only while a duo runs (and never before the agreements: R9).
LOGGING_STATUSES = frozenset({TrajectoryStatus.ACTIVE, TrajectoryStatus.PAUSED})


class Frequency(models.TextChoices):
    """R7: school buddies meet once a week; family buddies twice a month."""

    WEEKLY = "weekly", _("Once a week")
    TWICE_MONTHLY = "twice_monthly", _("Twice a month")


class CouplingOrganisation(models.TextChoices):
    """R10: the organisation that coupled the buddy with the school or family; it insures a
    buddy who meets at home."""

    TRAINING_INSTITUTION = "training_institution", _("Training institution (internship)")
    PROGRAMME = "programme", _("The local programme")
    UMBRELLA = "umbrella", _("The umbrella organisation")


class Insurer(models.TextChoices):
    TRAINING_INSTITUTION = "training_institution", _("The training institution")
    SCHOOL = "school", _("The school")
    PROGRAMME = "programme", _("The local programme")
    UMBRELLA = "umbrella", _("The umbrella organisation")


class CloseReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("Goals reached")
    ENDED_AS_PLANNED = "ended_as_planned", _("Ended as planned")
    STOPPED_BY_PARTICIPANT = "stopped_participant", _("Stopped early by the participant")
    STOPPED_BY_BUDDY = "stopped_buddy", _("Stopped early by the buddy")
    STOPPED_BY_SCHOOL = "stopped_school", _("Stopped early by the school")
    MOVED = "moved", _("Moved")
    NOT_STARTED = "not_started", _("Did not start")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting", "Planned")
    HAPPENED = "happened", pgettext_lazy("meeting", "Happened")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")


class CancelReason(models.TextChoices):
    PUPIL_ABSENT = "pupil_absent", _("Pupil absent")
    BUDDY_ABSENT = "buddy_absent", _("Buddy absent")
    SCHOOL_EVENT = "school_event", _("School event")
    OTHER = "other", _("Other")


class MeetingTopic(models.TextChoices):
    """A short list, so that logging a meeting takes one tap per topic."""

    HOMEWORK = "homework", _("Homework")
    READING = "reading", _("Reading and language")
    MATHS = "maths", _("Maths")
    PLANNING = "planning", _("Planning and learning to learn")
    TALK = "talk", _("A talk about how things go")
    PLAY = "play", _("Game or creative activity")
    OUTING = "outing", _("Outing or visit")
    FAMILY = "family", _("Family matters and services")


class NoteVisibility(models.TextChoices):
    """Who reads the meeting note besides the buddy: the programme only, or the school too."""

    PRIVATE = "private", _("Only for the programme")
    SHARED = "shared", _("Shared with the school")


class WellbeingMoment(models.TextChoices):
    INTAKE = "intake", _("Intake")
    MIDWAY = "midway", _("Midway")
    END = "end", _("End")
    CHECK = "check", _("Quick check at a meeting")


class WellbeingSource(models.TextChoices):
    """Who gave the score: the buddy or the school on the Leuven scale, the pupil's own
    smiley answer, or the coordinator's final score when the duo closes (an end
    measurement like any other: issue 14)."""

    BUDDY = "buddy", _("Buddy")
    SCHOOL = "school", _("School")
    PARTICIPANT = "participant", _("The pupil's own smiley answer")
    COORDINATOR = "coordinator", _("Coordinator at closing")


class LeuvenScore(models.IntegerChoices):
    """The Leuven well-being scale (Laevers), 1-5."""

    VERY_LOW = 1, _("1 – very low")
    LOW = 2, _("2 – low")
    MODERATE = 3, _("3 – moderate")
    HIGH = 4, _("4 – high")
    VERY_HIGH = 5, _("5 – very high")


class Side(models.TextChoices):
    """Who wrote or raised something about a duo: the buddy, the school (or service), or
    the programme. Concerns and the follow-up's tandem notes share it."""

    BUDDY = "buddy", _("Buddy")
    SCHOOL = "school", _("School")
    PROGRAMME = "programme", _("Programme")


class SafeguardingStep(models.TextChoices):
    """Why the safeguarding cascade paused a duo: named in the transition log, which the
    programme reads; the school and the family are told only "paused by the programme"."""

    BUDDY_DECLINED = "buddy_declined", _("Safeguarding: the buddy was declined or ended")
    BUDDY_SUSPENDED = "buddy_suspended", _("Safeguarding: the buddy was suspended")
    EXTRACT_EXPIRED = "extract_expired", _("Safeguarding: the buddy's extract ran out")


class Urgency(models.TextChoices):
    INFO = "info", _("For information")
    ATTENTION = "attention", _("Needs attention")
    URGENT = "urgent", _("Urgent")


class ConcernOrigin(models.TextChoices):
    PERSON = "person", _("Raised by a person")
    WELLBEING = "wellbeing", _("A low well-being score (1 or 2)")


class ConcernStatus(models.TextChoices):
    """A concern is a case (issue 13, point 5): taken up by a named person, given an
    outcome, then closed by a named person. The arrows are in workflow.py (CONCERN)."""

    OPEN = "open", _("Not yet acknowledged")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    OUTCOME_RECORDED = "outcome_recorded", _("Outcome recorded")
    CLOSED = "closed", _("Closed")


class ConcernOutcome(models.TextChoices):
    """What was done about a concern, recorded before it is closed."""

    RESOLVED = "resolved", _("Resolved (with a note)")
    CARE_TEAM = "care_team", _("Referred to the school's care team")
    OUTSIDE_SERVICE = "outside_service", _("Referred to an outside service")
    AUTHORITIES = "authorities", _("Reported to the authorities")


class GroupActivityStatus(models.TextChoices):
    """A programme's group activity with several families (issue 20, point 4): planned,
    then held (attendance taken) or cancelled. The arrows are in group_workflow.py."""

    PLANNED = "planned", pgettext_lazy("activity", "Planned")
    HELD = "held", pgettext_lazy("activity", "Held")
    CANCELLED = "cancelled", pgettext_lazy("activity", "Cancelled")
