"""The retention schedule: ONE table of how long each kind of personal data is kept, and
from which event (R18, issue 15 point 2; GDPR Art. 5(1)(e)).

The privacy page, docs/privacy.md and the programmes' settings page are all drawn from
`SCHEDULE`; nothing else states a period. A programme may shorten the periods marked
`shortenable` for its own data (`RetentionOverride`), never lengthen them. The period of
audit events is the `AUDIT_RETENTION_DAYS` setting, read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from buddywerk.organisations.models import Programme


class DataKind(models.TextChoices):
    """The kinds of personal data the schedule covers."""

    PARTICIPANT = "participant", _("A pupil's or family's data and their referrals")
    FOLLOWUP = "followup", _("Meeting notes, tandem notes, concerns, well-being and surveys")
    AFTER_WITHDRAWAL = "after_withdrawal", _("A participant's data after consent is withdrawn")
    DECLINED_BUDDY = "declined_buddy", _("The data of a buddy who was declined")
    EXTRACT_FACT = "extract_fact", _("The fact that a buddy's criminal-record extract was seen")
    INACTIVE_ACCOUNT = "inactive_account", _("The account of a buddy who no longer logs in")
    STAFF_ACCOUNT = "staff_account", _("The account of a staff member")
    AUDIT = "audit", _("Audit events: who did or viewed what, and when")
    MAIL_BODY = "mail_body", _("The text of a sent mail")
    PRACTICE_PHOTO = "practice_photo", _("Photos of a rejected practice proposal")
    API_RETRY_KEY = (
        "api_retry_key",
        _("Retry keys of API calls (Idempotency-Key): the key and the id of what was created"),
    )
    MONEY = (
        "money",
        _(
            "Money records: study grants with their payments and receipts, the programme's "
            "costs with their receipts, paid expense claims"
        ),
    )


@dataclass(frozen=True)
class RetentionRule:
    """How long one kind of data is kept (`days`, or the setting named in `setting`), from
    which event, and why. `shortenable`: a programme may choose a shorter period."""

    kind: DataKind
    days: int
    starts: _StrPromise
    reason: _StrPromise
    shortenable: bool = False
    setting: str = ""

    @property
    def data(self) -> str:
        return str(self.kind.label)

    @property
    def period_days(self) -> int:
        """The period in force: the setting's value where the rule names one."""
        return int(getattr(settings, self.setting)) if self.setting else self.days


MONTH = 30  # periods in months are counted as 30 days, so every period is whole days

SCHEDULE: tuple[RetentionRule, ...] = (
    RetentionRule(
        DataKind.PARTICIPANT,
        12 * MONTH,
        _("after their last referral or duo ends"),
        _("A school often asks again the next school year; after that, a new start."),
        shortenable=True,
    ),
    RetentionRule(
        DataKind.FOLLOWUP,
        12 * MONTH,
        _("after the duo closes"),
        _("It belongs to the duo and goes with the participant's data."),
        shortenable=True,
    ),
    RetentionRule(
        DataKind.AFTER_WITHDRAWAL,
        3 * MONTH,
        _("after consent is withdrawn (the programme's waiting time, at most this)"),
        _("Time to end the duo well and answer questions; then nothing is kept."),
        shortenable=True,
    ),
    RetentionRule(
        DataKind.DECLINED_BUDDY,
        6 * MONTH,
        _("after the programme's decision"),
        _("Long enough to answer a question or an objection about the decision."),
        shortenable=True,
    ),
    RetentionRule(
        DataKind.EXTRACT_FACT,
        3 * MONTH,
        _("after the buddy's last duo or membership ends"),
        _("Proof that the duo was safe, for questions just after it ended."),
        shortenable=True,
    ),
    RetentionRule(
        DataKind.INACTIVE_ACCOUNT,
        24 * MONTH,
        _("after the last login (a mail warns 30 days before)"),
        _("Buddies often come back after a year or two away."),
    ),
    RetentionRule(
        DataKind.STAFF_ACCOUNT,
        6 * MONTH,
        _("after the last membership of a school or programme ends"),
        _("Time to hand over work to a colleague."),
    ),
    RetentionRule(
        DataKind.AUDIT,
        5 * 365,
        _("after the event"),
        _("A family can still ask who saw their data; the trail keeps no content."),
        setting="AUDIT_RETENTION_DAYS",
    ),
    RetentionRule(
        DataKind.MAIL_BODY,
        30,
        _("after the mail is sent"),
        _("Enough to check a delivery problem; the mail itself reached the person."),
    ),
    RetentionRule(
        DataKind.PRACTICE_PHOTO,
        30,
        _("after the proposal is rejected"),
        _("The author can still ask why; the photo is never published."),
    ),
    RetentionRule(
        DataKind.API_RETRY_KEY,
        1,
        _("after the call"),
        _(
            "A school's software can safely repeat a call that may have failed; no content "
            "of the call is kept."
        ),
    ),
    RetentionRule(
        DataKind.MONEY,
        7 * 365,
        _("after the end of the calendar year of the last payment, the cost or the decision"),
        _(
            "Belgian accounting law keeps the accounts and their supporting documents for "
            "seven years; then they are deleted, receipts included."
        ),
    ),
)

RULES: dict[str, RetentionRule] = {rule.kind.value: rule for rule in SCHEDULE}
# What a programme shortens on its retention page; the waiting time after a withdrawal is
# part of its consent text (referrals.ConsentText.erasure_grace_days), not set twice.
OVERRIDABLE = tuple(
    rule for rule in SCHEDULE if rule.shortenable and rule.kind != DataKind.AFTER_WITHDRAWAL
)


def rule_for(kind: str) -> RetentionRule:
    return RULES[kind]


def retention_days(kind: str, programme: Programme | None = None) -> int:
    """The period in days for `kind`: the schedule's, or the programme's shorter one."""
    days = RULES[kind].period_days
    if programme is not None and RULES[kind].shortenable:
        from .models import RetentionOverride

        override = (
            RetentionOverride.objects.filter(programme=programme, kind=kind)
            .values_list("days", flat=True)
            .first()
        )
        if override is not None:
            return min(days, override)
    return days


def period_text(days: int) -> str:
    """A period in words: whole years, whole months (of 30 days) or days."""
    from django.utils.translation import ngettext

    if days % 365 == 0:
        years = days // 365
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    if days % MONTH == 0:
        months = days // MONTH
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def schedule_markdown() -> str:
    """The schedule as the Markdown table of docs/privacy.md (English; a test checks the
    file holds exactly this, so the docs cannot drift from the code)."""
    from django.utils import translation

    with translation.override("en"):
        lines = [
            "| data | kept for | from | why | a programme may shorten it |",
            "| --- | --- | --- | --- | --- |",
        ]
        for rule in SCHEDULE:
            period = period_text(rule.period_days)
            if rule.setting:
                period += f" (`{rule.setting}`)"
            shorten = "yes" if rule.shortenable else "no"
            if rule.kind == DataKind.AFTER_WITHDRAWAL:
                shorten = "yes, in its consent text"
            lines.append(f"| {rule.data} | {period} | {rule.starts} | {rule.reason} | {shorten} |")
    return "\n".join(lines) + "\n"
