from django.urls import path

from . import qualitative_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.<str:fmt>", views.report_export, name="export"),
    # The qualitative report (issue 14, points 4-5): qualitative_views.py
    path("qualitative/", qualitative_views.qualitative_list, name="qualitative"),
    path("qualitative/new/", qualitative_views.qualitative_period_new, name="qualitative_new"),
    path("qualitative/<int:pk>/", qualitative_views.qualitative_period, name="qualitative_period"),
    path(
        "qualitative/<int:pk>/<str:kind>/<str:key>/",
        qualitative_views.qualitative_answer,
        name="qualitative_answer",
    ),
    path(
        "qualitative/<int:pk>/export.<str:fmt>",
        qualitative_views.qualitative_export_view,
        name="qualitative_export",
    ),
    path(
        "qualitative/file/<uuid:export>/",
        qualitative_views.qualitative_export_file,
        name="qualitative_export_file",
    ),
]
