"""Step: the qualitative part of the funder's interim report (issue 14, point 4)."""

from buddywerk.geo.models import Province
from buddywerk.organisations.models import Programme
from buddywerk.reports.periods import INTERIM
from buddywerk.reports.qualitative_models import (
    QualitativePeriod,
    QualitativeReport,
    QualitativeStatus,
)
from buddywerk.reports.qualitative_services import (
    qualitative_draft_save,
    qualitative_period_open,
    qualitative_submit,
)

from .. import dates
from ..people import person

QUESTIONS = [
    "Hoe liep de samenwerking in je regio met lerarenopleidingen en scholen?",
    "Wat werkte goed in deze periode?",
    "Wat werkte niet, en waarom?",
    "Wat zijn je plannen voor de volgende periode?",
]

MECHELEN = [
    "Thomas More stuurt studenten die buddywerk als stage doen; drie basisscholen melden "
    "leerlingen aan via hun zorgcoördinator.",
    "De vaste buddydag op woensdagnamiddag: leerlingen en buddies weten wanneer ze elkaar zien.",
    "In de examenperiode vielen veel contactmomenten weg.",
    "We plannen de contactmomenten van januari rond de examens van de studenten.",
]
ANTWERPEN = [
    "Twee lerarenopleidingen en de scholengemeenschappen overleggen nu elk kwartaal met de "
    "buddywerkingen van de provincie.",
    "Een gedeelde vormingsdag voor nieuwe buddies van alle buddywerkingen.",
    "Kleine buddywerkingen vinden moeilijk genoeg buddies.",
    "Een gezamenlijke oproep bij de studenten van de lerarenopleidingen in februari.",
]
GENT_DRAFT = ["Het onthaalbureau verwijst gezinnen door; dat loopt goed."]


def _answers(period: QualitativePeriod, texts: list[str]) -> dict[int, str]:
    return {q.pk: text for q, text in zip(period.questions.all(), texts, strict=False)}


def qualitative() -> None:
    """The funder (funder@) opened the interim report of this school year with four
    questions ("Kwalitatief rapport"). Buddy Mechelen (coordinator.mechelen@) and Regio
    Antwerpen (regio.antwerpen@) submitted their answers, Gezinsbuddy Gent
    (coordinator.gent@) keeps a draft, and the other programmes have not begun: the funder
    sees who has not submitted and downloads the report with figures and answers."""
    year = dates.school_year_start().year
    period = QualitativePeriod.objects.filter(kind=INTERIM, school_year=year).first()
    if period is None:
        period = qualitative_period_open(
            kind=INTERIM, school_year=year, questions=QUESTIONS, actor=person("funder")
        )
    submitted = set(
        QualitativeReport.objects.filter(
            period=period, status=QualitativeStatus.SUBMITTED
        ).values_list("programme__name", "province_id")
    )
    if ("Buddy Mechelen", None) not in submitted:
        qualitative_submit(
            period=period,
            programme=Programme.objects.get(name="Buddy Mechelen"),
            answers=_answers(period, MECHELEN),
            actor=person("coordinator.mechelen"),
        )
    if (None, "VAN") not in submitted:
        qualitative_submit(
            period=period,
            province=Province.objects.get(code="VAN"),
            answers=_answers(period, ANTWERPEN),
            actor=person("regio.antwerpen"),
        )
    gent = Programme.objects.get(name="Gezinsbuddy Gent")
    if not QualitativeReport.objects.filter(period=period, programme=gent).exists():
        qualitative_draft_save(
            period=period,
            programme=gent,
            answers=_answers(period, GENT_DRAFT),
            actor=person("coordinator.gent"),
        )
