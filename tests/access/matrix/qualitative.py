"""The qualitative report (issue 14, points 4-5): the funder and platform admins open
periods, set the questions, see who has not submitted and download the combined report;
each programme's coordinator answers for the programme and each regional coordinator for
the province. Another programme's or province's report does not exist for anyone else
(404), and a draft not even for the funder."""

import datetime as dt

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes


def _period(w):
    from buddywerk.reports.qualitative_models import QualitativePeriod, QualitativeQuestion

    period, created = QualitativePeriod.objects.get_or_create(
        kind="interim", school_year=2025, defaults={"due_on": dt.date(2026, 2, 1)}
    )
    if created:
        QualitativeQuestion.objects.create(period=period, position=1, text="Wat werkte goed?")
    return period


def _pk(w):
    return {"pk": _period(w).pk}


def _programme(w):
    return {"pk": _period(w).pk, "kind": "programme", "key": str(w.programme.pk)}


def _region(w):
    return {"pk": _period(w).pk, "kind": "region", "key": "VAN"}


def _funders_file(w):
    from django.utils import timezone

    from buddywerk.reports.qualitative_models import CombinedExport

    export = CombinedExport.objects.create(
        period=_period(w),
        fmt="pdf",
        requested_by=w.users["funder"],
        finished_at=timezone.now(),
        filename="rapport.pdf",
        content=b"%PDF-1.7",
    )
    return {"export": export.uuid}


CONFIGURERS = {"anonymous": LOGIN, "funder": 200, "platform_admin": 200}

ROUTES = [
    Route(
        "reports:qualitative",
        role_outcomes(
            403,
            anonymous=LOGIN,
            programme_coordinator=200,
            regional_coordinator=200,
            funder=200,
            platform_admin=200,
        ),
    ),
    Route("reports:qualitative_new", role_outcomes(403, **CONFIGURERS)),
    Route("reports:qualitative_period", role_outcomes(403, **CONFIGURERS), args=_pk),
    # Asking for the combined report file (the task worker makes it): POST only.
    *(
        Route(
            "reports:qualitative_export",
            role_outcomes(403, anonymous=LOGIN, funder=REDIRECT, platform_admin=REDIRECT),
            args=lambda w, f=fmt: {**_pk(w), "fmt": f},
            method="post",
        )
        for fmt in ("pdf", "xlsx")
    ),
    Route(
        "reports:qualitative_export",
        role_outcomes(405, anonymous=LOGIN),
        args=lambda w: {**_pk(w), "fmt": "pdf"},
    ),
    # A made file: only the person who asked for it (the funder here); another platform
    # admin does not see it.
    Route(
        "reports:qualitative_export_file",
        role_outcomes(403, anonymous=LOGIN, funder=200, platform_admin=404),
        args=_funders_file,
    ),
    # The programme's draft: its coordinator only (the funder reads it once submitted).
    Route(
        "reports:qualitative_answer",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=_programme,
    ),
    Route(
        "reports:qualitative_answer",
        outcomes(404, anonymous=LOGIN, programme_coordinator=REDIRECT),
        args=_programme,
        method="post",
        data={"draft": "1"},
    ),
    Route(
        "reports:qualitative_answer",
        outcomes(404, anonymous=LOGIN, regional_coordinator=200),
        args=_region,
    ),
    Route(
        "reports:qualitative_answer",
        outcomes(404, anonymous=LOGIN, regional_coordinator=REDIRECT),
        args=_region,
        method="post",
        data={"draft": "1"},
    ),
]
