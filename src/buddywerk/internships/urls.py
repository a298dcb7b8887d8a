from django.urls import path

from . import views

app_name = "internships"

urlpatterns = [
    path("students/", views.student_list, name="students"),
    path("students/<uuid:buddy_uuid>/", views.student_detail, name="student"),
    path("students/<uuid:buddy_uuid>/pdf/", views.student_pdf, name="student_pdf"),
    path("supervisors/", views.supervisors_home, name="supervisors_home"),
    path("supervisors/<uuid:institution_uuid>/", views.supervisors, name="supervisors"),
    path(
        "supervisors/<uuid:institution_uuid>/<uuid:user_uuid>/revoke/",
        views.supervisor_revoke,
        name="supervisor_revoke",
    ),
    path("partnerships/", views.partnerships, name="partnerships"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/revoke/", views.sharing_revoke, name="sharing_revoke"),
    path("hours/", views.hours, name="hours"),
    path(
        "hours/<int:school_year>/attestation/", views.attestation_create, name="attestation_create"
    ),
    path("hours/attestations/<str:code>/", views.attestation_pdf, name="attestation_pdf"),
    path("hours/check/", views.attestation_check, name="attestation_check"),
    path("hours/totals/", views.hour_totals, name="hour_totals"),
]
