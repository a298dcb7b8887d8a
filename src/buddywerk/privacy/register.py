"""The processing register (GDPR Art. 30) and the privacy notice per audience (issue 15
point 6), drawn from the retention schedule.

`SCHEDULE` (schedule.py) is the one list of what Buddywerk keeps and for how long. This
module adds, per kind of data in it, what Art. 30 asks besides the period: the purpose,
whose data it is, which data, who receives it, and to which audiences of the privacy page
it matters. A kind of data without these facts fails a test, and the period is always read
from the schedule, so the register, the notice, the page and docs/privacy.md cannot drift
from it. Nothing here is a copy of a period.
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
        (Audience.BUDDY, Audience.SCHOOL, Audience.FAMILY),
    ),
    DataKind.AFTER_WITHDRAWAL: Facts(
        _("End the duo well after consent is withdrawn."),
        _("Pupils, families"),
        _("Everything about the participant, until it is erased"),
        _("The programme's coordinators"),
        (Audience.SCHOOL, Audience.FAMILY),
    ),
    DataKind.DECLINED_BUDDY: Facts(
        _("Answer a question or an objection about a screening decision."),
        _("Buddies who applied"),
        _("Registration, profile, the decision and its reason"),
        _("The programme's coordinators"),
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
        (Audience.BUDDY,),
    ),
    DataKind.INACTIVE_ACCOUNT: Facts(
        _("Let a buddy sign in and take part again."),
        _("Buddies"),
        _("Account, profile, availability, training followed"),
        _("The programme's coordinators"),
        (Audience.BUDDY,),
    ),
    DataKind.STAFF_ACCOUNT: Facts(
        _("Let staff of schools and programmes do their work."),
        _("Staff of schools, services, programmes, regions and the funder"),
        _("Name, e-mail address, roles"),
        _("Colleagues in the same organisation"),
        (Audience.SCHOOL, Audience.FUNDER),
    ),
    DataKind.AUDIT: Facts(
        _("Show who did or viewed what, and when (accountability, Art. 5(2))."),
        _("Everyone with an account; the pupils and families whose data was viewed"),
        _("Who, what, when; no content"),
        _("Platform admins; the person concerned on request"),
        (Audience.BUDDY, Audience.SCHOOL, Audience.FAMILY, Audience.FUNDER),
    ),
    DataKind.MAIL_BODY: Facts(
        _("Send mail and check a delivery problem."),
        _("Everyone who receives mail from Buddywerk"),
        _("E-mail address, subject and text of the mail"),
        _("The mail provider (processor)"),
        (Audience.BUDDY, Audience.SCHOOL),
    ),
    DataKind.PRACTICE_PHOTO: Facts(
        _("Moderate a proposed practice sheet."),
        _("Authors of practice sheets"),
        _("The photos of the proposal"),
        _("The moderators"),
        (Audience.SCHOOL,),
    ),
}

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

    @property
    def name(self) -> str:
        return self.rule.data

    @property
    def retention(self) -> str:
        return f"{period_text(self.rule.period_days)}, {self.rule.starts}"


def processing_register() -> list[Activity]:
    """The register, one activity per rule of the schedule, in the schedule's order (read
    from the module at each call: the schedule is the one source)."""
    return [Activity(rule=rule, facts=FACTS[rule.kind]) for rule in schedule.SCHEDULE]


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
            "| data | purpose | whose data | which data | recipients | kept for |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for a in processing_register():
            f = a.facts
            lines.append(
                f"| {a.name} | {f.purpose} | {f.subjects} | {f.categories} | "
                f"{f.recipients} | {a.retention} |"
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
