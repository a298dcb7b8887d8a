from django.urls import path

from . import views

app_name = "buddies"

urlpatterns = [
    path("register/", views.register_start, name="register_start"),
    path("register/<int:step>/", views.register_step, name="register_step"),
    path("register/done/", views.register_done, name="register_done"),
    path("profile/", views.profile, name="profile"),
    path("profile/pause/", views.profile_pause, name="profile_pause"),
    path("profile/resume/", views.profile_resume, name="profile_resume"),
    path("profile/declaration/", views.profile_declaration, name="profile_declaration"),
    path("screening/", views.screening_home, name="screening_home"),
    path("screening/<uuid:programme_uuid>/", views.screening_queue, name="screening_queue"),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/",
        views.screening_detail,
        name="screening_detail",
    ),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/approve/",
        views.screening_approve,
        name="screening_approve",
    ),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/decline/",
        views.screening_decline,
        name="screening_decline",
    ),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/reopen/",
        views.screening_reopen,
        name="screening_reopen",
    ),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/suspend/",
        views.screening_suspend,
        name="screening_suspend",
    ),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/reinstate/",
        views.screening_reinstate,
        name="screening_reinstate",
    ),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/extract/",
        views.screening_extract,
        name="screening_extract",
    ),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/level/",
        views.screening_level,
        name="screening_level",
    ),
    path("import/<uuid:programme_uuid>/", views.import_upload, name="import_upload"),
    path(
        "import/<uuid:programme_uuid>/template.<str:file_format>",
        views.import_template,
        name="import_template",
    ),
    path(
        "import/<uuid:programme_uuid>/<uuid:import_uuid>/",
        views.import_detail,
        name="import_detail",
    ),
    path(
        "import/<uuid:programme_uuid>/<uuid:import_uuid>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
    path(
        "import/<uuid:programme_uuid>/<uuid:import_uuid>/retry/",
        views.import_retry,
        name="import_retry",
    ),
]
