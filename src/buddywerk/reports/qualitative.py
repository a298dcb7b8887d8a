"""Selectors of the qualitative report (issue 14, point 4): which scopes a user answers,
the report of a scope as the user may see it (out of scope: 404), and who has submitted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from buddywerk.access import policy
from buddywerk.geo.models import Province
from buddywerk.organisations.models import Programme

from . import periods
from .figures import Report, Scope, build_report, with_display
from .qualitative_models import QualitativePeriod, QualitativeReport, QualitativeStatus
from .qualitative_services import expected_programmes, expected_provinces

PROGRAMME = "programme"
REGION = "region"


@dataclass
class Respondent:
    """One programme or region that answers a period's questions, with its report (None
    while nobody saved anything). Never a person: the funder sees who has not submitted
    as programmes and regions."""

    kind: str
    programme: Programme | None
    province: Province | None
    report: QualitativeReport | None

    @property
    def label(self) -> str:
        return str(self.programme if self.programme is not None else self.province)

    @property
    def key(self) -> str:
        return str(self.programme.pk if self.programme is not None else self.province.pk)  # type: ignore[union-attr]

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status == QualitativeStatus.SUBMITTED

    @property
    def scope(self) -> Scope:
        return Scope(programme=self.programme, province=self.province)


def period_of(period: QualitativePeriod) -> periods.Period:
    """The dates the period's figures cover (the preset of the funder's report)."""
    if period.kind == periods.FINAL:
        return periods.final(period.school_year)
    return periods.interim(period.school_year)


def respondents(period: QualitativePeriod) -> list[Respondent]:
    """Every region (by province name), then every programme (by name), with its report."""
    reports = {
        (r.programme_id, r.province_id): r
        for r in period.reports.prefetch_related("answers").select_related("programme", "province")
    }
    return [
        Respondent(REGION, None, province, reports.get((None, province.pk)))
        for province in expected_provinces()
    ] + [
        Respondent(PROGRAMME, programme, None, reports.get((programme.pk, None)))
        for programme in expected_programmes()
    ]


def answerable(user: Any, period: QualitativePeriod) -> list[Respondent]:
    """The respondents whose questions `user` answers in `period`."""
    result = []
    for respondent in respondents(period):
        probe = respondent.report or QualitativeReport(
            period=period, programme=respondent.programme, province=respondent.province
        )
        if policy.can_answer_qualitative(user, probe):
            result.append(respondent)
    return result


def respondent_or_404(
    user: Any, period: QualitativePeriod, kind: str, key: str
) -> tuple[Respondent, bool]:
    """The respondent a URL names, and whether `user` answers it. Outside the user's scope
    (or a draft the funder may not read yet) the page does not exist."""
    match = [r for r in respondents(period) if r.kind == kind and r.key == key]
    if not match:
        raise Http404
    respondent = match[0]
    probe = respondent.report or QualitativeReport(
        period=period, programme=respondent.programme, province=respondent.province
    )
    if policy.can_answer_qualitative(user, probe):
        return respondent, True
    if respondent.report is not None and policy.can_view_qualitative_report(
        user, respondent.report
    ):
        return respondent, False
    raise Http404


def figures_for(user: Any, scope: Scope, period: QualitativePeriod) -> Report:
    """The scope's figures for the period, suppressed as the report page would show them
    to `user` (exact for the coordinator of the scope)."""
    suppressed = policy.report_is_suppressed(
        user,
        province=scope.province.code if scope.province else None,
        programme=scope.programme,
    )
    return with_display(build_report(scope, period_of(period)), suppress=suppressed)


def answers_of(
    period: QualitativePeriod, report: QualitativeReport | None
) -> list[tuple[Any, str]]:
    """(question, answer text) for each of the period's questions, in order."""
    texts = {a.question_id: a.text for a in report.answers.all()} if report is not None else {}
    return [(q, texts.get(q.pk, "")) for q in period.questions.all()]
