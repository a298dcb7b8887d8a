"""The processing register (GDPR Art. 30) and the privacy notice per audience (issue 15
point 6), drawn from the retention schedule.

`SCHEDULE` (schedule.py) is the one list of what Buddywerk keeps and for how long. This
module adds, per kind of data in it, what Art. 30 asks besides the period: the purpose,
whose data it is, which data, who receives it, and to which audiences of the privacy page
it matters. A kind of data without these facts fails a test, and the period is always read
from the schedule, so the register, the notice, the page and docs/privacy.md cannot drift
from it. Nothing here is a copy of a period.

Processings added by later features (`LATER`: study grants, expense claims, internships,
family messages, a pupil's track and dream, a mentor's path) have no period of their own in
the schedule: each names the kind of data it goes with (`follows`), as the code erases it
(the purge, an erasure, `account_anonymise`), and says how.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import schedule
from .schedule import DataKind, RetentionRule, period_text

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class Audience:
    """Who reads the privacy notice: each gets the kinds of data that concern them."""

    BUDDY = "buddy"
    SCHOOL = "school"
    FAMILY = "family"
    FUNDER = "funder"


AUDIENCES: tuple[tuple[str, _StrPromise], ...] = (
    (Audience.BUDDY, _("For buddies")),
    (Audience.SCHOOL, _("For schools and services")),
    (Audience.FAMILY, _("For pupils and families")),
    (Audience.FUNDER, _("For the funder")),
)

# How each audience asks to see its data or to have it erased (point 4, 5 of issue 15).
ASK: dict[str, _StrPromise] = {
    Audience.BUDDY: _(
        "You download everything we keep about you yourself: on your profile, choose "
        "'Download my data'. To have your data erased, ask your programme's coordinator."
    ),
    Audience.SCHOOL: _(
        "A parent or a pupil asks you to see or erase their data? Pass the question to "
        "the programme's coordinator. The coordinator makes the export within minutes and "
        "answers within a month."
    ),
    Audience.FAMILY: _(
        "You can ask to see everything we keep about you or your child, or ask us to erase "
        "it. Ask the school or the service that referred you, or the programme's "
        "coordinator. You get an answer within a month, and the data in a file you can "
        "read."
    ),
    Audience.FUNDER: _(
        "You never receive data about a person: only totals, with small numbers hidden. "
        "Old figures stay the same after data is erased, because they are kept without "
        "names."
    ),
}


@dataclass(frozen=True)
class Facts:
    """What Art. 30 asks about one kind of data, besides its period (the schedule's)."""

    purpose: _StrPromise
    subjects: _StrPromise
    categories: _StrPromise
    recipients: _StrPromise
    legal_basis: _StrPromise
    audiences: tuple[str, ...]


FACTS: dict[DataKind, Facts] = {
    DataKind.PARTICIPANT: Facts(
        _("Find a buddy for a pupil or a family and follow the duo."),
        _("Pupils, families (parents, guardians)"),
        _(
            "Name, school and school year, birth year, languages, household, needs, "
            "selection criteria, consent"
        ),
        _(
            "The school or service that referred, the programme's coordinators, the buddy "
            "(first name only)"
        ),
        _(
            "Consent (GDPR art. 6(1)(a)): a parent's, or the pupil's own from the age of 13, "
            "recorded with the referral"
        ),
        (Audience.SCHOOL, Audience.FAMILY),
    ),
    DataKind.FOLLOWUP: Facts(
        _("Follow how a duo goes and act on concerns."),
        _("Pupils, families, buddies"),
        _(
            "Dates and topics of meetings, notes, well-being scores (special category: "
            "health), concerns, tandem notes, survey answers"
        ),
        _("The buddy, the programme's coordinators, the school (shared notes only)"),
        _(
            "Consent given with the referral (art. 6(1)(a)); for well-being scores explicit "
            "consent (art. 9(2)(a))"
        ),
        (Audience.BUDDY, Audience.SCHOOL, Audience.FAMILY),
    ),
    DataKind.AFTER_WITHDRAWAL: Facts(
        _("End the duo well after consent is withdrawn."),
        _("Pupils, families"),
        _("Everything about the participant, until it is erased"),
        _("The programme's coordinators"),
        _("Legitimate interest in ending the duo well (art. 6(1)(f))"),
        (Audience.SCHOOL, Audience.FAMILY),
    ),
    DataKind.DECLINED_BUDDY: Facts(
        _("Answer a question or an objection about a screening decision."),
        _("Buddies who applied"),
        _("Registration, profile, the decision and its reason"),
        _("The programme's coordinators"),
        _("Legitimate interest in answering a question or an objection (art. 6(1)(f))"),
        (Audience.BUDDY,),
    ),
    DataKind.EXTRACT_FACT: Facts(
        _("Show that a buddy may work with minors."),
        _("Buddies"),
        _(
            "The date the criminal-record extract was seen and its date; never the extract "
            "itself (Art. 10)"
        ),
        _("The programme's coordinators"),
        _("Legitimate interest in protecting minors (art. 6(1)(f)); see art. 10"),
        (Audience.BUDDY,),
    ),
    DataKind.INACTIVE_ACCOUNT: Facts(
        _("Let a buddy sign in and take part again."),
        _("Buddies"),
        _("Account, profile, availability, training followed"),
        _("The programme's coordinators"),
        _("The volunteer agreement with the buddy (art. 6(1)(b))"),
        (Audience.BUDDY,),
    ),
    DataKind.STAFF_ACCOUNT: Facts(
        _("Let staff of schools and programmes do their work."),
        _("Staff of schools, services, programmes, regions and the funder"),
        _("Name, e-mail address, roles"),
        _("Colleagues in the same organisation"),
        _("Legitimate interest of the school or programme in doing its work (art. 6(1)(f))"),
        (Audience.SCHOOL, Audience.FUNDER),
    ),
    DataKind.AUDIT: Facts(
        _("Show who did or viewed what, and when (accountability, Art. 5(2))."),
        _("Everyone with an account; the pupils and families whose data was viewed"),
        _("Who, what, when; no content"),
        _("Platform admins; the person concerned on request"),
        _("Legitimate interest in accountability and security (art. 6(1)(f), art. 5(2), art. 32)"),
        (Audience.BUDDY, Audience.SCHOOL, Audience.FAMILY, Audience.FUNDER),
    ),
    DataKind.MAIL_BODY: Facts(
        _("Send mail and check a delivery problem."),
        _("Everyone who receives mail from Buddywerk"),
        _("E-mail address, subject and text of the mail"),
        _("The mail provider (processor)"),
        _("Legitimate interest in delivering the mail (art. 6(1)(f))"),
        (Audience.BUDDY, Audience.SCHOOL),
    ),
    DataKind.PRACTICE_PHOTO: Facts(
        _("Moderate a proposed practice sheet."),
        _("Authors of practice sheets"),
        _("The photos of the proposal"),
        _("The moderators"),
        _("Consent of the author (art. 6(1)(a))"),
        (Audience.SCHOOL,),
    ),
    DataKind.API_RETRY_KEY: Facts(
        _("Let software repeat an API call without creating anything twice."),
        _("Staff who use a personal API token"),
        _(
            "The key the software chose, a fingerprint (hash) of the call, the status and the "
            "id of what was created; no content"
        ),
        _("No one: only Buddywerk reads it"),
        _("Legitimate interest in reliable connections (art. 6(1)(f))"),
        (Audience.SCHOOL,),
    ),
    DataKind.MONEY: Facts(
        _("Account for the programme's money to the funder and the tax authorities."),
        _(
            "Buddies paid back, parents or guardians and suppliers paid for a grant, anyone "
            "named on a receipt"
        ),
        _(
            "Amounts, dates, payment references, what a grant or cost was for, the receipts "
            "(files); names and free text are removed earlier when a pupil's or buddy's data "
            "is erased"
        ),
        _("The programme's coordinators; the funder sees totals only"),
        _("Legal obligation (art. 6(1)(c)): Belgian accounting law"),
        (Audience.BUDDY, Audience.SCHOOL, Audience.FAMILY, Audience.FUNDER),
    ),
}


@dataclass(frozen=True)
class Later:
    """A processing of a later feature without a period of its own in the schedule: its
    personal data goes with the kind `follows` (the code erases it there), as `how` says."""

    name: _StrPromise
    follows: DataKind
    how: _StrPromise
    facts: Facts


_WITH_REFERRAL = _("Consent given with the referral (art. 6(1)(a))")

LATER: tuple[Later, ...] = (
    Later(
        _("A pupil's study track and dream"),
        DataKind.PARTICIPANT,
        _("It is part of the referral and goes with the pupil's data."),
        Facts(
            _(
                "Find a mentor or role model who knows the pupil's path or the sector they "
                "dream of."
            ),
            _("Pupils"),
            _(
                "Study track, a goal in the pupil's own words, a sector, talents or interests, "
                "the experience asked of a role model; only what the programme asks"
            ),
            _("The school or service that referred, the programme's coordinators"),
            _WITH_REFERRAL,
            (Audience.SCHOOL, Audience.FAMILY),
        ),
    ),
    Later(
        _("A mentor's or role model's own path"),
        DataKind.INACTIVE_ACCOUNT,
        _("It is part of the buddy's profile and is emptied when the account is erased."),
        Facts(
            _("Find a pupil whom the mentor's trade or the role model's own school career helps."),
            _("Sector mentors and role models"),
            _(
                "Sector, trade, study tracks followed, the programme's path tags they chose, "
                "their path in their own words, who may see it; never origin or ethnicity"
            ),
            _(
                "The programme's coordinators; the school of a proposal or duo only when the "
                "buddy chose so"
            ),
            _("Consent of the buddy (art. 6(1)(a)): every field is a choice and can be emptied"),
            (Audience.BUDDY,),
        ),
    ),
    Later(
        _("Study grants"),
        DataKind.PARTICIPANT,
        _(
            "The pupil, the duo, the reason, the care coordinator and a parent's name go with "
            "the pupil's data; the amounts, dates, payments and receipts stay in the accounts "
            "as money records, deleted seven years after the end of their year."
        ),
        Facts(
            _(
                "Pay for a pupil's materials, tools, course, exam or transport, and account "
                "for it to the funder."
            ),
            _("Pupils, their parents or guardians, the mentor or buddy who asks"),
            _(
                "The pupil and the duo, what for and why, the amount, the decisions, payments "
                "(to a parent or guardian or to a supplier: name, date, reference), receipts"
            ),
            _(
                "The programme's coordinators, the school's care coordinator (its own pupils), "
                "the mentor or buddy who asked; the funder sees totals only"
            ),
            _(
                "Consent given with the referral (art. 6(1)(a)); keeping the payments in the "
                "accounts is a legal obligation (art. 6(1)(c))"
            ),
            (Audience.BUDDY, Audience.SCHOOL, Audience.FAMILY),
        ),
    ),
    Later(
        _("Volunteer expense claims"),
        DataKind.INACTIVE_ACCOUNT,
        _(
            "When the account is erased, claims that moved no money are deleted; paid claims "
            "keep their amounts and dates, without the account holder, the IBAN, the "
            "descriptions and the receipts, as money records deleted seven years after the "
            "end of their year."
        ),
        Facts(
            _("Pay a volunteer back their costs, within the legal ceilings for volunteers."),
            _("Buddies"),
            _(
                "Account holder's name, IBAN, days, kilometres, costs with a description and a "
                "receipt, the decision and its reason"
            ),
            _(
                "The buddy (their own claims), the programme's coordinators, the bank (the "
                "payment file)"
            ),
            _(
                "The volunteer agreement (art. 6(1)(b)); the ceilings of the volunteer law and "
                "the accounts are a legal obligation (art. 6(1)(c))"
            ),
            (Audience.BUDDY,),
        ),
    ),
    Later(
        _("Internships: consent to share, hours attestations"),
        DataKind.INACTIVE_ACCOUNT,
        _(
            "When the account is erased, the consent is revoked; the dates of the consent "
            "and the attestations stay, without a name."
        ),
        Facts(
            _(
                "Let a student's teacher-training institution follow their buddy work, with "
                "their consent, and attest their hours."
            ),
            _("Students who are a buddy as part of their study"),
            _(
                "The consent (institution, given and revoked on), hours and programmes per "
                "school year, the attestation's code"
            ),
            _(
                "The student, the institution's supervisors while the consent holds, the "
                "programme's coordinators; whoever checks an attestation's code"
            ),
            _("Consent of the student (art. 6(1)(a)), revoked at any time"),
            (Audience.BUDDY,),
        ),
    ),
    Later(
        _("A family's contact persons and the messages sent to them"),
        DataKind.PARTICIPANT,
        _(
            "They go with the family's data; the mail outbox erases the text of a message "
            "once it is sent."
        ),
        Facts(
            _(
                "Reach a family in its own language: reminders of meetings and activities, "
                "short messages by text or mail."
            ),
            _("Families (parents, guardians, contact persons)"),
            _("Name, phone number, e-mail address, language, the text of each message sent"),
            _("The programme's coordinators; the text-message and mail providers (processors)"),
            _WITH_REFERRAL,
            (Audience.FAMILY,),
        ),
    ),
)

# A general description of the security measures (Art. 30(1)(g), Art. 32).
SECURITY_MEASURES: tuple[_StrPromise, ...] = (
    _(
        "Only people whose role needs it see a person's data (least privilege); a buddy "
        "sees a pupil's first name only."
    ),
    _("Staff, coordinators, the funder and admins sign in with two-factor authentication."),
    _("Every view of a pupil's or family's data is written to the audit trail."),
    _("The funder's figures are totals with small numbers hidden; archived figures name no one."),
    _("Data is erased or made anonymous at the end of its period in the schedule."),
    _("Connections are encrypted (HTTPS); the database is not reachable from the internet."),
)


@dataclass(frozen=True)
class Activity:
    """One line of the register: a kind of data with its facts and its period."""

    rule: RetentionRule
    facts: Facts
    later: Later | None = None

    @property
    def name(self) -> str:
        return str(self.later.name) if self.later else self.rule.data

    @property
    def how(self) -> str:
        """How a later processing goes with the schedule's kind (empty for the kinds)."""
        return str(self.later.how) if self.later else ""

    @property
    def retention(self) -> str:
        period = f"{period_text(self.rule.period_days)}, {self.rule.starts}"
        return f"{period}. {self.how}" if self.later else period


def processing_register() -> list[Activity]:
    """The register: one activity per rule of the schedule, in the schedule's order, then
    the later processings with the rule they go with (read from the module at each call:
    the schedule is the one source)."""
    rules = {rule.kind: rule for rule in schedule.SCHEDULE}
    return [Activity(rule=rule, facts=FACTS[rule.kind]) for rule in schedule.SCHEDULE] + [
        Activity(rule=rules[later.follows], facts=later.facts, later=later) for later in LATER
    ]


def notice(audience: str) -> list[Activity]:
    """The kinds of data the privacy page tells `audience` about."""
    return [a for a in processing_register() if audience in a.facts.audiences]


def notices() -> list[tuple[str, str, list[Activity], str]]:
    """(code, heading, activities, how to ask) for every audience of the privacy page."""
    return [(code, str(heading), notice(code), str(ASK[code])) for code, heading in AUDIENCES]


def register_markdown() -> str:
    """The register as the Markdown table of docs/privacy.md (English; a test checks the
    file holds exactly this)."""
    with translation.override("en"):
        lines = [
            "| data | purpose | whose data | which data | recipients | legal basis | kept for |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for a in processing_register():
            f = a.facts
            lines.append(
                f"| {a.name} | {f.purpose} | {f.subjects} | {f.categories} | "
                f"{f.recipients} | {f.legal_basis} | {a.retention} |"
            )
        lines.append("")
        lines.append("Security measures:")
        lines.append("")
        lines.extend(f"- {measure}" for measure in SECURITY_MEASURES)
    return "\n".join(lines) + "\n"


def register_pdf() -> bytes:
    """The register as a PDF, for the platform admin's files (WeasyPrint, as the reports)."""
    from weasyprint import HTML

    html = render_to_string(
        "privacy/register_pdf.html",
        {"activities": processing_register(), "measures": SECURITY_MEASURES},
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
