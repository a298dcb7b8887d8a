"""The grant and finance pages (issue 21); every route is in tests/access/matrix/funds.py."""

from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.grant_list, name="grant_list"),
    path("programmes/<uuid:programme_uuid>/finances/", views.finances, name="finances"),
    path(
        "programmes/<uuid:programme_uuid>/costs/<int:cost_id>/receipt/",
        views.cost_receipt,
        name="cost_receipt",
    ),
    path("duos/<uuid:trajectory_uuid>/request/", views.grant_request, name="grant_request"),
    path("<uuid:grant_uuid>/", views.grant_detail, name="grant_detail"),
    path("<uuid:grant_uuid>/submit/", views.grant_submit, name="grant_submit"),
    path("<uuid:grant_uuid>/approve/", views.grant_approve, name="grant_approve"),
    path("<uuid:grant_uuid>/refuse/", views.grant_refuse, name="grant_refuse"),
    path("<uuid:grant_uuid>/payments/", views.grant_payment, name="grant_payment"),
    path("<uuid:grant_uuid>/receipts/", views.grant_receipt_upload, name="grant_receipt_add"),
    path("<uuid:grant_uuid>/close/", views.grant_close, name="grant_close"),
    path("<uuid:grant_uuid>/receipts/<int:receipt_id>/", views.grant_receipt, name="grant_receipt"),
]
