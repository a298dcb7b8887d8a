from django.urls import path

from buddywerk.common.urls import actions

from . import views

app_name = "organisations"

urlpatterns = [
    path("programmes/", views.programme_finder, name="finder"),
    path("programmes/join/", views.programme_join, name="join"),
    path("programmes/<uuid:programme_uuid>/", views.programme_detail, name="programme_detail"),
    path("schools/register/", views.school_register, name="school_register"),
    path("schools/register/done/", views.school_register_done, name="school_register_done"),
    path(
        "schools/registrations/",
        views.school_registration_list,
        name="school_registration_list",
    ),
    *actions(
        "schools/registrations/<uuid:school_uuid>/",
        views,
        "school_registration",
        ["confirm", "decline"],
    ),
    path("schools/staff/", views.school_staff_home, name="school_staff_home"),
    path("schools/<uuid:school_uuid>/staff/", views.school_staff, name="school_staff"),
    path(
        "schools/<uuid:school_uuid>/staff/<uuid:user_uuid>/revoke/",
        views.school_staff_revoke,
        name="school_staff_revoke",
    ),
]
