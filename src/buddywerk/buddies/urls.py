from django.urls import path

from buddywerk.common.urls import actions

from . import views

app_name = "buddies"

urlpatterns = [
    path("register/", views.register_start, name="register_start"),
    path("register/<int:step>/", views.register_step, name="register_step"),
    path("register/done/", views.register_done, name="register_done"),
    path("profile/", views.profile, name="profile"),
    path("profile/path/", views.profile_path, name="profile_path"),
    *actions("profile/", views, "profile", ["pause", "resume", "declaration"]),
    path("screening/", views.screening_home, name="screening_home"),
    path("screening/<uuid:programme_uuid>/", views.screening_queue, name="screening_queue"),
    path(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/",
        views.screening_detail,
        name="screening_detail",
    ),
    *actions(
        "screening/<uuid:programme_uuid>/<uuid:buddy_uuid>/",
        views,
        "screening",
        ["approve", "decline", "reopen", "suspend", "reinstate", "extract", "level"],
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
    *actions(
        "import/<uuid:programme_uuid>/<uuid:import_uuid>/", views, "import", ["confirm", "retry"]
    ),
]
