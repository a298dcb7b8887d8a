from django.urls import path

from . import access_views, erasure_views, purge_views, views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention_list, name="retention"),
    path("retention/<uuid:programme_uuid>/", views.retention_edit, name="retention_edit"),
    # Access on request (issue 15 point 5): no name in any of these URLs.
    path("access/pupil/<uuid:pupil_uuid>/", access_views.access_pupil, name="access_pupil"),
    path("access/family/<uuid:family_uuid>/", access_views.access_family, name="access_family"),
    path("my-data/", access_views.my_data, name="my_data"),
    path("access/<str:token>/", access_views.access_ready, name="access_ready"),
    path(
        "access/<str:token>/<str:file_format>/",
        access_views.access_download,
        name="access_download",
    ),
    # The processing register (point 6), for platform admins.
    path("register/", access_views.processing_register, name="register"),
    path("register/pdf/", access_views.processing_register_pdf, name="register_pdf"),
    path("purge/", purge_views.purge_plan_view, name="purge"),
    # Erasure on request (point 4): no name in any of these URLs.
    path("erasure/", erasure_views.erasure_list, name="erasure_list"),
    path("my-data/erase/", erasure_views.erasure_own, name="erasure_own"),
    path("erasure/pupil/<uuid:pupil_uuid>/", erasure_views.erasure_pupil, name="erasure_pupil"),
    path("erasure/family/<uuid:family_uuid>/", erasure_views.erasure_family, name="erasure_family"),
    path("erasure/<uuid:request_uuid>/", erasure_views.erasure_detail, name="erasure_detail"),
    path(
        "erasure/<uuid:request_uuid>/<str:decision>/",
        erasure_views.erasure_decide,
        name="erasure_decide",
    ),
]
