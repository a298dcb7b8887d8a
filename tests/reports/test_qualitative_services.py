"""The qualitative report's services (issue 14, point 4): opening a period, the questions,
drafts, submitting once, the deadline, the reminders and the scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.common.workflow import TransitionNotAllowed
from buddywerk.mail.models import OutgoingMail
from buddywerk.reports.qualitative_models import (
    QualitativeReport,
    QualitativeReportTransition,
    QualitativeStatus,
)
from buddywerk.reports.qualitative_services import (
    qualitative_draft_save,
    qualitative_period_open,
    qualitative_questions_set,
    qualitative_reminders_send,
    qualitative_submit,
)
from tests.reports.qualitative_world import QUESTIONS, build_qualitative
from tests.reports.world import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def q():
    return build_qualitative()


def _answers(period, *texts):
    return {
        question.pk: text for question, text in zip(period.questions.all(), texts, strict=False)
    }


def test_opening_a_period_sets_the_questions_and_the_reports_deadline(q):
    assert [x.text for x in q.period.questions.all()] == QUESTIONS
    assert q.period.due_on == dt.date(2026, 2, 1)
    assert AuditEvent.objects.filter(action=AuditAction.QUALITATIVE_PERIOD_OPEN).count() == 1


def test_only_the_funder_or_an_admin_opens_a_period_and_never_twice(q):
    with pytest.raises(PermissionDenied):
        qualitative_period_open(
            kind="final", school_year=2025, questions=["?"], actor=q.coordinator
        )
    with pytest.raises(ValidationError) as error:
        qualitative_period_open(kind="interim", school_year=2025, questions=["?"], actor=q.admin)
    assert "school_year" in error.value.error_dict
    with pytest.raises(ValidationError):
        qualitative_period_open(kind="final", school_year=2025, questions=["  "], actor=q.admin)
    final = qualitative_period_open(
        kind="final", school_year=2025, questions=["Plannen?"], actor=q.admin
    )
    assert final.due_on == dt.date(2026, 10, 15)


def test_a_draft_keeps_the_answers_and_submits_nothing(q):
    report = qualitative_draft_save(
        period=q.period, programme=q.p1, answers=_answers(q.period, "Goed", ""), actor=q.coordinator
    )
    assert report.status == QualitativeStatus.DRAFT
    assert report.submitted_at is None
    assert [a.text for a in report.answers.all()] == ["Goed"]
    # saved again: changed, not duplicated
    qualitative_draft_save(
        period=q.period,
        programme=q.p1,
        answers=_answers(q.period, "Heel goed", "Scholen"),
        actor=q.coordinator,
    )
    report.refresh_from_db()
    assert sorted(a.text for a in report.answers.all()) == ["Heel goed", "Scholen"]
    assert report.status == QualitativeStatus.DRAFT
    assert AuditEvent.objects.filter(action=AuditAction.QUALITATIVE_DRAFT_SAVE).count() == 2
    assert not QualitativeReportTransition.objects.exists()


def test_submit_needs_every_answer_and_changes_nothing_otherwise(q):
    with pytest.raises(ValidationError):
        qualitative_submit(
            period=q.period,
            programme=q.p1,
            answers=_answers(q.period, "Goed", " "),
            actor=q.coordinator,
        )
    assert not QualitativeReport.objects.filter(status=QualitativeStatus.SUBMITTED).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.QUALITATIVE_SUBMIT).exists()


def test_submit_is_a_logged_audited_transition_and_a_second_submit_changes_nothing(q):
    qualitative_draft_save(
        period=q.period,
        programme=q.p1,
        answers=_answers(q.period, "Goed", "Scholen"),
        actor=q.coordinator,
    )
    report = qualitative_submit(
        period=q.period,
        programme=q.p1,
        actor=q.coordinator,
        now=at("2026-01-20", 9),
    )
    assert report.status == QualitativeStatus.SUBMITTED
    assert not report.late
    assert report.submitted_by == q.coordinator
    log = QualitativeReportTransition.objects.get(report=report)
    assert (log.from_status, log.to_status, log.transition) == ("draft", "submitted", "submit")
    event = AuditEvent.objects.get(action=AuditAction.QUALITATIVE_SUBMIT)
    assert event.detail["late"] is False
    submitted_at = report.submitted_at

    with pytest.raises(TransitionNotAllowed):
        qualitative_submit(
            period=q.period,
            programme=q.p1,
            answers=_answers(q.period, "Anders", "Anders"),
            actor=q.coordinator,
        )
    with pytest.raises(ValidationError):
        qualitative_draft_save(
            period=q.period,
            programme=q.p1,
            answers=_answers(q.period, "Anders"),
            actor=q.coordinator,
        )
    report.refresh_from_db()
    assert report.submitted_at == submitted_at
    assert sorted(a.text for a in report.answers.all()) == ["Goed", "Scholen"]
    assert QualitativeReportTransition.objects.filter(report=report).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.QUALITATIVE_SUBMIT).count() == 1


def test_after_the_deadline_a_report_is_still_accepted_and_marked_late(q):
    after = at("2026-02-03", 9)
    report = qualitative_submit(
        period=q.period,
        programme=q.p1,
        answers=_answers(q.period, "Laat", "Maar goed"),
        actor=q.coordinator,
        now=after,
    )
    assert report.status == QualitativeStatus.SUBMITTED
    assert report.late
    assert AuditEvent.objects.get(action=AuditAction.QUALITATIVE_SUBMIT).detail["late"] is True
    on_time = qualitative_submit(
        period=q.period,
        province=q.van,
        answers=_answers(q.period, "Op tijd", "Ja"),
        actor=q.regional,
        now=at("2026-02-01", 23),
    )
    assert not on_time.late


def test_scope_nobody_writes_in_another_programme_or_region(q):
    for actor, kwargs in [
        (q.other_coordinator, {"programme": q.p1}),
        (q.coordinator, {"programme": q.p2}),
        (q.coordinator, {"province": q.van}),
        (q.regional, {"programme": q.p1}),
        (q.funder, {"programme": q.p1}),
    ]:
        with pytest.raises(PermissionDenied):
            qualitative_draft_save(
                period=q.period, answers=_answers(q.period, "x", "y"), actor=actor, **kwargs
            )
        with pytest.raises(PermissionDenied):
            qualitative_submit(
                period=q.period, answers=_answers(q.period, "x", "y"), actor=actor, **kwargs
            )
    assert not QualitativeReport.objects.exists()
    # the regional coordinator answers for the province
    report = qualitative_draft_save(
        period=q.period, province=q.van, answers=_answers(q.period, "Regio"), actor=q.regional
    )
    assert report.province == q.van


def test_questions_change_until_the_first_submission(q):
    qualitative_draft_save(
        period=q.period, programme=q.p1, answers=_answers(q.period, "A", "B"), actor=q.coordinator
    )
    qualitative_questions_set(
        period=q.period, questions=["Samenwerking met scholen?"], actor=q.funder
    )
    assert [x.text for x in q.period.questions.all()] == ["Samenwerking met scholen?"]
    report = QualitativeReport.objects.get()
    # matched by position: the draft keeps its first answer, the removed question's goes
    assert [a.text for a in report.answers.all()] == ["A"]
    with pytest.raises(PermissionDenied):
        qualitative_questions_set(period=q.period, questions=["?"], actor=q.coordinator)
    qualitative_submit(period=q.period, programme=q.p1, actor=q.coordinator)
    with pytest.raises(ValidationError):
        qualitative_questions_set(period=q.period, questions=["Nieuw?"], actor=q.funder)
    assert [x.text for x in q.period.questions.all()] == ["Samenwerking met scholen?"]


def test_reminders_go_two_weeks_before_the_deadline_to_who_has_not_submitted_once(q):
    qualitative_submit(
        period=q.period,
        programme=q.p2,
        answers=_answers(q.period, "A", "B"),
        actor=q.other_coordinator,
    )
    assert qualitative_reminders_send(today=dt.date(2026, 1, 17)) == 0  # 15 days before
    assert qualitative_reminders_send(today=dt.date(2026, 1, 18)) == 2  # p1 and the VAN region
    assert qualitative_reminders_send(today=dt.date(2026, 1, 19)) == 0
    assert qualitative_reminders_send(today=dt.date(2026, 2, 1)) == 0  # due day: past the notice
    recipients = sorted(
        OutgoingMail.objects.filter(kind="reports.qualitative_reminder").values_list(
            "to", flat=True
        )
    )
    assert recipients == ["coord1@example.org", "regio@example.org"]
    assert AuditEvent.objects.filter(action=AuditAction.QUALITATIVE_REMINDER).count() == 2
