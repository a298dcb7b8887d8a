"""The expense pages (issue 21, point 4); every route is in tests/access/matrix/expenses.py."""

from django.urls import path

from . import views

app_name = "expenses"

urlpatterns = [
    path("", views.claims_mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("years/", views.years, name="years"),
    path("programmes/<uuid:programme_uuid>/export/", views.export, name="export"),
    path("<uuid:claim_uuid>/", views.claim_detail, name="claim"),
    path("<uuid:claim_uuid>/submit/", views.claim_submit, name="submit"),
    path("<uuid:claim_uuid>/reopen/", views.claim_reopen, name="reopen"),
    path("<uuid:claim_uuid>/decide/", views.claim_decide, name="decide"),
    path("<uuid:claim_uuid>/pay/", views.claim_pay, name="pay"),
    path(
        "<uuid:claim_uuid>/lines/<uuid:line_uuid>/delete/",
        views.line_delete,
        name="line_delete",
    ),
    path(
        "<uuid:claim_uuid>/lines/<uuid:line_uuid>/receipt/",
        views.receipt,
        name="receipt",
    ),
]
