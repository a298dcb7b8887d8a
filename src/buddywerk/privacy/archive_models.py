"""The anonymised archive (issue 15 point 3): what the funder's report needs of data whose
retention has ended, in rows that name no one.

When a pupil's or family's data reaches its end (privacy/purge.py), their referrals, duos,
meetings, well-being scores, notes and the person's row itself are deleted, and these rows
are written instead. They hold no name, no free text, no date finer than a month and no
link to a live row: the archive's own ids group a person's participations (so a pupil in
two duos is still counted once) and a duo's months, nothing more. Organisations and
programmes are not people and stay linked, so the report groups archived rows exactly as
it groups live ones (by the programme's province, the school, the training institution).

The funder's report reads live rows plus these (privacy/archive.py): for whole months the
figures are the same before and after a purge.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.buddies.models import BuddyKind
from buddywerk.common.fields import ParentKey, ProtectedKey
from buddywerk.common.vocabulary import SchoolYear
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import Organisation, Programme
from buddywerk.referrals.enums import ReferralStatus
from buddywerk.trajectories.enums import CloseReason, WellbeingMoment


class ArchivedRow(models.Model):
    """An archived row has no name: it reads as its kind and number."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ArchivedPersonKind(models.TextChoices):
    PUPIL = "pupil", _("Pupil")
    FAMILY = "family", _("Family")


class ArchivedPerson(ArchivedRow):
    """One pupil or family whose data is gone: only its kind, school year and place."""

    kind = models.CharField(_("kind"), max_length=8, choices=ArchivedPersonKind.choices)
    school_year = models.PositiveSmallIntegerField(
        _("school year"), choices=SchoolYear.choices, null=True, blank=True
    )
    municipality = ProtectedKey(
        Municipality, _("municipality"), null=True, blank=True, related_name="+"
    )
    archived_on = models.DateField(_("archived on"))

    class Meta:
        verbose_name = _("archived participant")
        verbose_name_plural = _("archived participants")


class ArchivedDuo(ArchivedRow):
    """A closed duo: programme, school, the buddy's kind and training institution, the
    month it closed and why."""

    programme = ProtectedKey(Programme, _("programme"), related_name="+")
    school = ProtectedKey(Organisation, _("school"), null=True, blank=True, related_name="+")
    buddy_kind = models.CharField(_("kind of buddy"), max_length=24, choices=BuddyKind.choices)
    training_institution = ProtectedKey(
        Organisation, _("training institution"), null=True, blank=True, related_name="+"
    )
    started_month = models.DateField(_("started in"))
    closed_month = models.DateField(_("closed in"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=32, choices=CloseReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("archived duo")
        verbose_name_plural = _("archived duos")


class ArchivedDuoMonth(models.Model):
    """The rollup of one archived duo's meetings in one month (as trajectories.DuoMonth)."""

    duo = ParentKey(ArchivedDuo, _("duo"), related_name="months")
    month = models.DateField(_("month"))
    held = models.PositiveIntegerField(_("meetings held"), default=0)
    cancelled = models.PositiveIntegerField(_("meetings cancelled"), default=0)
    minutes = models.PositiveIntegerField(_("minutes held"), default=0)

    class Meta:
        verbose_name = _("archived month of a duo")
        verbose_name_plural = _("archived months of duos")
        constraints = [
            models.UniqueConstraint(fields=["duo", "month"], name="archived_duo_month_unique")
        ]
        indexes = [models.Index(fields=["month", "duo"], name="archived_month_duo")]

    def __str__(self) -> str:
        return f"{self.duo_id} {self.month}"


class ArchivedParticipation(models.Model):
    """An archived person took part in an archived duo."""

    duo = ParentKey(ArchivedDuo, _("duo"), related_name="participations")
    person = ParentKey(ArchivedPerson, _("participant"), related_name="participations")

    class Meta:
        verbose_name = _("archived participation")
        verbose_name_plural = _("archived participations")

    def __str__(self) -> str:
        return f"{self.duo_id} {self.person_id}"


class ArchivedScore(models.Model):
    """A well-being score (the Leuven scale's band, 1-5) of an archived participation: the
    month it was given and its place among the participation's score days (`rank`: 1 for
    the first day; equal days share a rank), not the date."""

    participation = ParentKey(ArchivedParticipation, _("participation"), related_name="scores")
    month = models.DateField(_("month"))
    rank = models.PositiveIntegerField(_("order of the day"))
    moment = models.CharField(_("moment"), max_length=8, choices=WellbeingMoment.choices)
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("archived well-being score")
        verbose_name_plural = _("archived well-being scores")

    def __str__(self) -> str:
        return f"{self.participation_id} {self.month} {self.score}"


class ArchivedReferral(ArchivedRow):
    """A referral: programme, referring organisation, the months it was submitted, first
    ended and first matched, and the time from submission to the first match."""

    kind = models.CharField(_("kind"), max_length=8, choices=ArchivedPersonKind.choices)
    programme = ProtectedKey(Programme, _("programme"), related_name="+")
    referrer = ProtectedKey(Organisation, _("referred by"), related_name="+")
    final_status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices)
    # The person's municipality (as ArchivedPerson's): a city's report counts it.
    municipality = ProtectedKey(
        Municipality, _("municipality"), null=True, blank=True, related_name="+"
    )
    submitted_month = models.DateField(_("submitted in"), null=True, blank=True)
    ended_month = models.DateField(_("first ended in"), null=True, blank=True)
    matched_month = models.DateField(_("first matched in"), null=True, blank=True)
    wait_seconds = models.FloatField(_("seconds from submission to match"), null=True, blank=True)

    class Meta:
        verbose_name = _("archived referral")
        verbose_name_plural = _("archived referrals")


class ArchivedReferralMove(models.Model):
    """A month in which an archived referral was matched or declined."""

    referral = ParentKey(ArchivedReferral, _("referral"), related_name="moves")
    to_status = models.CharField(_("to"), max_length=12, choices=ReferralStatus.choices)
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("archived move of a referral")
        verbose_name_plural = _("archived moves of referrals")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.to_status} {self.month}"
