"""The controlled lists of a referral: its status, the selection criteria of R6, the
goals of a family referral [004], urgency and complexity (read by matching, R3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    """Where a referral stands. Only the transitions of `REFERRAL_WORKFLOW` (workflow.py)
    change it, through the kernel in common/workflow.py (ARCHITECTURE.md 4)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    WAITING = "waiting", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses with a way forward: the referral still asks for (or has) a buddy. The workflow
# table agrees (tests/common/test_workflows.py).
OPEN_STATUSES = frozenset(
    {
        ReferralStatus.DRAFT,
        ReferralStatus.SUBMITTED,
        ReferralStatus.WAITING,
        ReferralStatus.ACCEPTED,
        ReferralStatus.MATCHED,
    }
)
FINAL_STATUSES = frozenset(ReferralStatus.values) - OPEN_STATUSES
# Open and sent to the programme: at most one per pupil (or family) and programme (a
# database constraint, models.py). Sorted, so the migration stays the same.
SENT_OPEN_STATUSES = sorted(OPEN_STATUSES - {ReferralStatus.DRAFT})
# What the programme still has to decide on (its triage queue).
TRIAGE_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.WAITING)
# The programme's queue: submitted to it and not yet matched or ended.
QUEUE_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.WAITING, ReferralStatus.ACCEPTED)


class SelectionCriterion(models.TextChoices):
    """R6: why a pupil qualifies, from [001] (the first four) and [000] (the rest)."""

    MOTIVATED = "motivated", _("Motivated to be helped")
    NO_LARGE_BACKLOG = "no_large_backlog", _("No large learning backlog")
    LITTLE_PARENTAL_SUPPORT = "little_parental_support", _("Little or no support from parents")
    NEEDS_PUSH = "needs_push", _("Needs an extra push")
    LOW_WELLBEING = "low_wellbeing", _("Low well-being")
    POVERTY = "poverty", _("Barrier: poverty")
    LANGUAGE = "language", _("Barrier: language")
    MIGRATION = "migration", _("Barrier: migration")
    LITTLE_PARENTAL_INVOLVEMENT = (
        "little_parental_involvement",
        _("Barrier: little parental involvement"),
    )


class FamilyGoal(models.TextChoices):
    """What a family buddy works on [004]."""

    PARTICIPATION = "participation", _("Taking part in society")
    NETWORK = "network", _("A bigger network")
    DUTCH_PRACTICE = "dutch_practice", _("Practising Dutch")
    FINDING_SERVICES = "finding_services", _("Finding services (childcare, library, leisure)")


class Urgency(models.IntegerChoices):
    """How soon the participant needs a buddy; matching serves urgent referrals first."""

    LOW = 1, _("Can wait")
    NORMAL = 2, _("Soon")
    HIGH = 3, _("Urgent")


class Complexity(models.TextChoices):
    """R3: a complex situation asks for an expert buddy."""

    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex (needs an expert buddy)")


class ConsentGiver(models.TextChoices):
    """Who gave consent (R18). A pupil consents alone only from 13 (the Belgian age of
    digital consent) and only where the programme's consent text allows it."""

    PARENT = "parent", _("A parent")
    GUARDIAN = "guardian", _("A guardian")
    PUPIL = "pupil", _("The pupil (13 or older)")
    FAMILY = "family", _("The family itself (an adult of the family)")


class ConsentMethod(models.TextChoices):
    """How consent was given: what the person who recorded it saw."""

    PAPER = "paper", _("On a signed paper form (seen by the school or service)")
    DIGITAL = "digital", _("Digitally (e.g. signed through the school platform)")


# The youngest age at which a pupil may give consent alone (Belgian law, GDPR Art. 8).
PUPIL_CONSENT_AGE = 13
